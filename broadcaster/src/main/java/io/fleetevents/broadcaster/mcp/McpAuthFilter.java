package io.fleetevents.broadcaster.mcp;

import io.fleetevents.broadcaster.auth.AuthenticationFailedException;
import io.fleetevents.broadcaster.auth.Caller;
import io.fleetevents.broadcaster.auth.TokenAuthenticator;
import io.fleetevents.schemas.FleetJson;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates every request to the MCP endpoint, exactly as the other transports do: no or a bad token is a 401
 * with {@code WWW-Authenticate: Bearer} before the MCP layer sees anything; a good one becomes the request's
 * {@link Caller}, handed to the tools through the transport context.
 */
final class McpAuthFilter extends OncePerRequestFilter {

    private final TokenAuthenticator authenticator;

    McpAuthFilter(TokenAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Caller caller;
        try {
            caller = authenticator.authenticate(request.getHeader("Authorization"), null);
        } catch (AuthenticationFailedException e) {
            boolean presented = request.getHeader("Authorization") != null;
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setHeader("WWW-Authenticate", presented
                    ? "Bearer realm=\"fleet-events\", error=\"invalid_token\", error_description=\"" + e.getMessage().replace('"', '\'') + "\""
                    : "Bearer realm=\"fleet-events\"");
            response.setContentType("application/json");
            response.getOutputStream().write(FleetJson.mapper().writeValueAsString(Map.of("error", e.getMessage()))
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        request.setAttribute(FleetTools.CALLER, caller);
        chain.doFilter(request, response);
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }
}
