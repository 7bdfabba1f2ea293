package io.fleetevents.poller.webhook;

import io.fleetevents.poller.cycle.FleetView;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a notification webhook means, apart from HTTP: check the secret (constant time; a request without it is
 * refused before its body is read), parse Coder's payload ({@code coderd/notifications/dispatch/webhook.go}:
 * {@code msg_id}, {@code payload.targets}, {@code payload.labels}, {@code payload.user_username}), skip a message id
 * already handled (Coder redelivers a message whose answer it did not get), and ask for an immediate read of each
 * workspace the message names that the last cycle listed: by id among its {@code targets}, else by
 * {@code owner/name} from its labels ({@code name} or {@code workspace}, owner {@code workspace_owner_username} or the
 * recipient). The secret never appears in an answer or a log.
 */
public final class WebhookIntake {

    /**
     * An answer.
     *
     * @param status     HTTP status
     * @param message    what happened, for the caller
     * @param workspaces workspace ids a read was asked for
     */
    public record Outcome(int status, String message, List<String> workspaces) {
    }

    private final byte[] secret;
    private final Supplier<FleetView> fleet;
    private final BiPredicate<String, String> read;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<String, Boolean> seen;

    /**
     * @param secret        the shared secret (non-blank)
     * @param rememberedIds message ids remembered
     * @param fleet         the last complete cycle's fleet
     * @param read          asks for an immediate read (workspace id, source); false when dropped
     */
    public WebhookIntake(String secret, int rememberedIds, Supplier<FleetView> fleet, BiPredicate<String, String> read) {
        this.secret = secret.trim().getBytes(StandardCharsets.UTF_8);
        this.fleet = fleet;
        this.read = read;
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > rememberedIds;
            }
        };
    }

    /** Whether {@code presented} (from the header or the query; null when absent) is the secret. */
    public boolean authenticated(String presented) {
        return presented != null && MessageDigest.isEqual(secret, presented.trim().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Handles an authenticated delivery.
     *
     * @param messageIdHeader {@code X-Message-Id}, or null (then the body's {@code msg_id} is used)
     */
    public Outcome handle(String messageIdHeader, byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            return new Outcome(400, "the body is not JSON: " + e.getOriginalMessage(), List.of());
        }
        if (root == null || !root.isObject() || !root.path("payload").isObject()) {
            return new Outcome(400, "the body is not a Coder notification: expected an object with 'payload'",
                    List.of());
        }
        String messageId = messageIdHeader != null && !messageIdHeader.isBlank() ? messageIdHeader.trim()
                : root.path("msg_id").asString("");
        if (messageId.isEmpty()) {
            return new Outcome(400, "no message id: neither an X-Message-Id header nor msg_id in the body", List.of());
        }
        synchronized (seen) {
            if (seen.putIfAbsent(messageId, Boolean.TRUE) != null) {
                return new Outcome(200, "message " + messageId + " was already handled", List.of());
            }
        }
        FleetView view = fleet.get();
        JsonNode payload = root.path("payload");
        Set<String> known = view.ids();
        Set<String> workspaces = new LinkedHashSet<>();
        for (JsonNode target : payload.path("targets")) {
            String id = target.asString("");
            if (known.contains(id)) {
                workspaces.add(id);
            }
        }
        if (workspaces.isEmpty()) {
            JsonNode labels = payload.path("labels");
            String name = labels.path("name").asString(labels.path("workspace").asString(""));
            String owner = labels.path("workspace_owner_username").asString(payload.path("user_username").asString(""));
            String id = view.idsByPath().get(owner + "/" + name);
            if (id != null) {
                workspaces.add(id);
            }
        }
        for (String id : workspaces) {
            read.test(id, "webhook");
        }
        String name = payload.path("notification_name").asString("notification");
        return new Outcome(202, workspaces.isEmpty() ? name + " names no workspace the last poll listed; nothing to read"
                : name + ": reading " + workspaces.size() + " workspace(s)", List.copyOf(workspaces));
    }
}
