package io.fleetevents.broadcaster.stomp;

import io.fleetevents.broadcaster.BroadcasterProperties;
import io.fleetevents.broadcaster.Subscriptions;
import io.fleetevents.broadcaster.fanout.SubscriptionIndex;
import io.fleetevents.broadcaster.auth.TokenAuthenticator;
import io.fleetevents.broadcaster.limits.ConnectionLimiter;
import io.fleetevents.broadcaster.outbox.WriterThreads;
import io.fleetevents.broadcaster.BroadcasterMetrics;
import io.micrometer.observation.ObservationPredicate;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.ServletWebSocketHandlerRegistry;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/** The STOMP endpoint, its writer threads, its heart-beat ticker and the container's per-session buffer sizes. */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
public class StompEndpointConfiguration implements WebSocketConfigurer, org.springframework.beans.factory.DisposableBean {

    /** The endpoint path of the protocol. */
    public static final String PATH = "/api/events/subscribe";

    private final StompWebSocketHandler handler;
    private final ConnectionLimiter limiter;
    private final WriterThreads writers;

    public StompEndpointConfiguration(BroadcasterProperties properties, TokenAuthenticator authenticator,
                                      ConnectionLimiter limiter, Subscriptions subscriptions, BroadcasterMetrics metrics,
                                      SubscriptionIndex index) {
        int threads = properties.stomp().writerThreads() > 0 ? properties.stomp().writerThreads()
                : Runtime.getRuntime().availableProcessors();
        this.limiter = limiter;
        this.writers = new WriterThreads(threads, "fleet-events-stomp-writer");
        index.addDispatchListener(writers);
        this.handler = new StompWebSocketHandler(new StompContext(properties, authenticator, limiter, subscriptions,
                metrics, writers));
    }

    @Override
    public void destroy() {
        writers.shutdown();
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(handler, PATH).setAllowedOriginPatterns("*").addInterceptors(new ConnectRate(limiter));
        if (registry instanceof ServletWebSocketHandlerRegistry servlet) {
            // looked up before the annotated controllers (Spring's default is after): a handshake no longer walks
            // every @RequestMapping first (11 % of the container threads' samples during a 10,000-client connect);
            // only this one path is mapped here, so no controller is shadowed
            servlet.setOrder(Ordered.HIGHEST_PRECEDENCE);
        }
    }

    /**
     * No {@code http.server.requests} observation for the WebSocket handshake: a connection's life is measured by
     * {@code fleet.broadcaster.connections} and the STOMP metrics, and a timer sample per upgrade request was a
     * measurable share of a connect storm's CPU. Every other request is observed as before.
     */
    @Bean
    ObservationPredicate fleetEventsNoHandshakeObservation() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && PATH.equals(request.getCarrier().getRequestURI()));
    }

    /** Small container buffers: frames are re-assembled by the STOMP decoder (partial messages). */
    @Bean
    ServletServerContainerFactoryBean fleetEventsWebSocketContainer(BroadcasterProperties properties) {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(1024);
        container.setMaxBinaryMessageBufferSize(1024);
        container.setAsyncSendTimeout(properties.stomp().sendTimeout().toMillis());
        return container;
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService fleetEventsStompTicker() {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-events-stomp-heartbeats");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(handler::tick, 500, 500, TimeUnit.MILLISECONDS);
        return ticker;
    }

    /** Refuses handshakes beyond the connect rate with 429 before any WebSocket state is allocated. */
    private record ConnectRate(ConnectionLimiter limiter) implements HandshakeInterceptor {
        @Override
        public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
                                       Map<String, Object> attributes) {
            String refused = limiter.tryConnectPermit();
            if (refused != null) {
                response.setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
                response.getHeaders().add("Retry-After", "1");
                return false;
            }
            return true;
        }

        @Override
        public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
                                   Exception exception) {
            // nothing to undo: the open-connection count starts when the session is established
        }
    }
}
