package io.fleetevents.broadcaster.capacity;

import io.fleetevents.broadcaster.auth.AuthenticationFailedException;
import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.broadcaster.auth.TokenAuthenticator;
import io.fleetevents.schemas.FleetJson;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/capacity?scope=fleet} → {@code {"scope", "warning_threshold", "samples": [CapacitySample...]}}.
 * The fleet and template scopes need a whole-fleet token; {@code org/<name>} also an organization token for it.
 */
@RestController
@EnableConfigurationProperties(CapacityProperties.class)
class CapacityController {

    private final TokenAuthenticator authenticator;
    private final CapacityHistory history;
    private final CapacityProperties config;

    CapacityController(TokenAuthenticator authenticator, CapacityHistory history, CapacityProperties config) {
        this.authenticator = authenticator;
        this.history = history;
        this.config = config;
    }

    @GetMapping(value = "/api/capacity", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> capacity(
            @RequestHeader(value = "Authorization", required = false) String authorization,
            @RequestParam(value = "scope", defaultValue = "fleet") String scope) {
        Caller caller;
        try {
            caller = authenticator.authenticate(authorization, null);
        } catch (AuthenticationFailedException e) {
            return error(HttpStatus.UNAUTHORIZED, e.getMessage());
        }
        if (!scope.equals("fleet") && !scope.startsWith("org/") && !scope.startsWith("template/")) {
            return error(HttpStatus.BAD_REQUEST, "scope must be 'fleet', 'org/<name>' or 'template/<name>', was '" + scope + "'");
        }
        boolean permitted = caller.scope().isWholeFleet()
                || scope.startsWith("org/") && caller.scope().organizations().contains(scope.substring(4));
        if (!permitted) {
            return error(HttpStatus.FORBIDDEN, "token '" + caller.name() + "' may not see capacity of scope '" + scope + "'");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("scope", scope);
        body.put("warning_threshold", config.warningThreshold());
        body.put("samples", history.samples(scope));
        // The contract's JSON (snake_case, RFC 3339), not the web layer's default mapper.
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(FleetJson.mapper().writeValueAsString(body));
    }

    private static ResponseEntity<String> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(FleetJson.mapper().writeValueAsString(Map.of("error", message)));
    }
}
