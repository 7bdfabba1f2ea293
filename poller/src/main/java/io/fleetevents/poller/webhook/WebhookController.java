package io.fleetevents.poller.webhook;

import io.fleetevents.poller.PollerProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/coder/webhook}: Coder's notification webhook. Off (404 saying how to turn it on) while
 * {@code fleet.poller.webhook.secret} is blank; 401 without the secret, before the body is read; 400 for a body that is
 * not a Coder notification; 200 for a message id already handled; 202 otherwise.
 */
@RestController
class WebhookController {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookController.class);

    private final PollerProperties.Webhook settings;
    private final WebhookIntake intake;

    WebhookController(PollerProperties props, org.springframework.beans.factory.ObjectProvider<WebhookIntake> intake) {
        this.settings = props.webhook();
        this.intake = intake.getIfAvailable();
    }

    @PostMapping("/api/coder/webhook")
    ResponseEntity<Map<String, Object>> receive(HttpServletRequest request) throws java.io.IOException {
        if (intake == null) {
            return answer(404, "the webhook intake is off: set fleet.poller.webhook.secret (FLEET_POLLER_WEBHOOK_SECRET)",
                    null);
        }
        String presented = request.getHeader(settings.secretHeader());
        if (presented == null && settings.secretQueryParam() != null && !settings.secretQueryParam().isBlank()) {
            presented = request.getParameter(settings.secretQueryParam());
        }
        if (!intake.authenticated(presented)) {
            LOG.info("webhook refused: {} secret from {}", presented == null ? "no" : "a wrong",
                    request.getRemoteAddr());
            return answer(401, "the shared secret is missing or wrong: send it in the " + settings.secretHeader()
                    + " header" + (settings.secretQueryParam().isBlank() ? "" : " or the '" + settings.secretQueryParam()
                    + "' query parameter"), null);
        }
        WebhookIntake.Outcome outcome = intake.handle(request.getHeader("X-Message-Id"),
                request.getInputStream().readAllBytes());
        if (outcome.status() == 400) {
            LOG.info("webhook refused: {}", outcome.message());
        }
        return answer(outcome.status(), outcome.message(), outcome);
    }

    private static ResponseEntity<Map<String, Object>> answer(int status, String message, WebhookIntake.Outcome outcome) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        if (outcome != null) {
            body.put("workspaces", outcome.workspaces());
        }
        return ResponseEntity.status(status).body(body);
    }
}
