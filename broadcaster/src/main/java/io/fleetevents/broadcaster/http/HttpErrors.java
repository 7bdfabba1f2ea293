package io.fleetevents.broadcaster.http;

import io.fleetevents.broadcaster.Subscriptions;
import io.fleetevents.broadcaster.auth.AuthenticationFailedException;
import io.fleetevents.broadcaster.BroadcasterMetrics;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Client mistakes become 400/401/429/503 with {@code {"error": "..."}} saying what to fix. */
@RestControllerAdvice(basePackageClasses = HttpErrors.class)
class HttpErrors {

    private final BroadcasterMetrics metrics;

    HttpErrors(BroadcasterMetrics metrics) {
        this.metrics = metrics;
    }

    @ExceptionHandler(AuthenticationFailedException.class)
    ResponseEntity<Map<String, String>> unauthorized(AuthenticationFailedException e) {
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED).header("WWW-Authenticate", "Bearer")
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("error", e.getMessage()));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
        metrics.protocolError();
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON).body(Map.of("error", e.getMessage()));
    }

    @ExceptionHandler(LimitExceededException.class)
    ResponseEntity<Map<String, String>> limited(LimitExceededException e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header("Retry-After", "1")
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("error", e.getMessage()));
    }

    @ExceptionHandler(Subscriptions.NotReadyException.class)
    ResponseEntity<Map<String, String>> notReady(Subscriptions.NotReadyException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "5")
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("error", e.getMessage()));
    }
}
