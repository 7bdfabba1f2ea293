package io.fleetevents.codersim.notify;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.json.JsonMapper;

/**
 * Posts Coder notification messages to one endpoint, as Coder's webhook dispatcher does: {@code POST}, JSON body
 * {@code {_version, msg_id, payload, title, title_markdown, body, body_markdown}}, header {@code X-Message-Id}, no
 * signature. Coder retries a message whose delivery failed with the same id; {@link #redeliver} does that on demand.
 * Off until an endpoint is set. Sends are synchronous (a test knows the poller has the message when the call returns)
 * and every answer's status is kept.
 */
public final class WebhookSender {

    /** Template ids from coderd/notifications/events.go and the task migrations (coder-api.md §9). */
    public static final UUID WORKSPACE_DELETED = UUID.fromString("f517da0b-cdc9-410f-ab89-a86107c420ed");
    public static final UUID MANUAL_BUILD_FAILED = UUID.fromString("2faeee0f-26cb-4e96-821c-85ccb9f71513");
    public static final UUID TASK_COMPLETED = UUID.fromString("8c5a4d12-9f7e-4b3a-a1c8-6e4f2d9b5a7c");
    public static final UUID TASK_FAILED = UUID.fromString("3b7e8f1a-4c2d-49a6-b5e9-7f3a1c8d6b4e");

    /**
     * The workspace a message is about.
     *
     * @param id       workspace id (first of the message's targets)
     * @param name     workspace name
     * @param owner    owner username (the recipient for owner templates)
     * @param ownerId  owner id
     */
    public record Subject(UUID id, String name, String owner, UUID ownerId) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<UUID, byte[]> sent = new ConcurrentHashMap<>();
    private final List<Integer> statuses = new CopyOnWriteArrayList<>();
    private volatile URI endpoint;

    /** Where messages go ({@code CODER_NOTIFICATIONS_WEBHOOK_ENDPOINT}); null turns sending off. */
    public void endpoint(URI endpoint) {
        this.endpoint = endpoint;
    }

    /** The configured endpoint, or null. */
    public URI endpoint() {
        return endpoint;
    }

    /** The HTTP status of every delivery so far (0: no answer), in order. */
    public List<Integer> statuses() {
        return List.copyOf(statuses);
    }

    /**
     * Sends a message about {@code subject} from {@code template} ({@code name} is its notification name, e.g.
     * {@code Workspace Deleted}); returns its message id, or null when no endpoint is set.
     */
    public UUID send(UUID template, String name, Subject subject, Map<String, String> labels, Instant now) {
        URI target = endpoint;
        if (target == null) {
            return null;
        }
        UUID messageId = UUID.randomUUID();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("_version", "1.2");
        payload.put("notification_name", name);
        payload.put("notification_template_id", template.toString());
        payload.put("user_id", subject.ownerId().toString());
        payload.put("user_email", subject.owner() + "@example.com");
        payload.put("user_name", subject.owner());
        payload.put("user_username", subject.owner());
        payload.put("actions", List.of(Map.of("label", "View workspace",
                "url", "https://coder.example.com/@" + subject.owner() + "/" + subject.name())));
        payload.put("labels", labels);
        payload.put("data", Map.of("dedupe_bypass_ts", now.truncatedTo(ChronoUnit.MINUTES).toString()));
        List<String> targets = new ArrayList<>();
        targets.add(subject.id().toString());
        targets.add(subject.ownerId().toString());
        payload.put("targets", targets);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("_version", "1.1");
        body.put("msg_id", messageId.toString());
        body.put("payload", payload);
        String title = name + ": " + subject.owner() + "/" + subject.name();
        body.put("title", title);
        body.put("title_markdown", title);
        body.put("body", title);
        body.put("body_markdown", title);
        byte[] bytes = json.writeValueAsBytes(body);
        sent.put(messageId, bytes);
        post(target, messageId, bytes);
        return messageId;
    }

    /** Delivers an earlier message again, same id and body, as Coder's retry does; returns the answer's status. */
    public int redeliver(UUID messageId) {
        byte[] bytes = sent.get(messageId);
        URI target = endpoint;
        if (bytes == null || target == null) {
            throw new IllegalArgumentException("no message " + messageId + " was sent, or no endpoint is set");
        }
        return post(target, messageId, bytes);
    }

    private int post(URI target, UUID messageId, byte[] bytes) {
        HttpRequest request = HttpRequest.newBuilder(target)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("X-Message-Id", messageId.toString())
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build();
        int status;
        try {
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            status = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 0;
        }
        statuses.add(status);
        return status;
    }
}
