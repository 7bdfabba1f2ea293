package io.fleetevents.broadcaster.agents;

import io.fleetevents.broadcaster.auth.AuthenticationFailedException;
import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.broadcaster.auth.TokenAuthenticator;
import io.fleetevents.schemas.FleetAgent;
import io.fleetevents.schemas.FleetJson;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/agents} → {@code {"ready", "agents": [FleetAgent...]}}: the current fleet as the token may see it,
 * from the same in-memory view as the MCP tools. The dashboard's agents table reads it.
 */
@RestController
class AgentsController {

    private final TokenAuthenticator authenticator;
    private final AgentDirectory directory;

    AgentsController(TokenAuthenticator authenticator, AgentDirectory directory) {
        this.authenticator = authenticator;
        this.directory = directory;
    }

    @GetMapping(value = "/api/agents", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> agents(@RequestHeader(value = "Authorization", required = false) String authorization) {
        Caller caller;
        try {
            caller = authenticator.authenticate(authorization, null);
        } catch (AuthenticationFailedException e) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).header("WWW-Authenticate", "Bearer")
                    .contentType(MediaType.APPLICATION_JSON).body(FleetJson.mapper().writeValueAsString(Map.of("error", e.getMessage())));
        }
        List<FleetAgent> visible = directory.select(agent -> caller.scope().permits(agent.route()));
        visible.sort(Comparator.comparing((FleetAgent a) -> a.agent().path() == null ? "" : a.agent().path()).thenComparing(FleetAgent::key));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ready", directory.isReady());
        body.put("agents", visible);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(FleetJson.mapper().writeValueAsString(body));
    }
}
