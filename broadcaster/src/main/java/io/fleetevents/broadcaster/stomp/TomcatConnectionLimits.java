package io.fleetevents.broadcaster.stomp;

import io.fleetevents.broadcaster.BroadcasterProperties;
import org.apache.coyote.AbstractProtocol;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Tomcat's default of 8192 connections makes connection 8193 onwards hang silently. The broadcaster's own limit
 * ({@code fleet.broadcaster.limits.max-connections}) must decide, with a clear refusal, so Tomcat is allowed that many plus
 * head-room for HTTP requests (or {@code server.tomcat.max-connections} if that is larger). Per-socket buffers are
 * halved to keep idle connections cheap; the kernel send buffer is bounded when {@code fleet.broadcaster.stomp.socket-send-buffer}
 * is set. Runs after Boot's own Tomcat customizer.
 */
@Component
class TomcatConnectionLimits implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    private final int maxConnections;
    private final int acceptCount;
    private final int socketSendBuffer;

    TomcatConnectionLimits(BroadcasterProperties properties, Environment environment) {
        int wanted = properties.limits().maxConnections() + 1024;
        int configured = environment.getProperty("server.tomcat.max-connections", Integer.class, 0);
        this.maxConnections = Math.max(wanted, configured);
        this.acceptCount = Math.max(environment.getProperty("server.tomcat.accept-count", Integer.class, 100), 2048);
        this.socketSendBuffer = properties.stomp().socketSendBuffer();
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> {
            if (connector.getProtocolHandler() instanceof AbstractProtocol<?> protocol) {
                protocol.setMaxConnections(maxConnections);
                protocol.setAcceptCount(acceptCount);
            }
            // per-socket application buffers: 8 KiB each by default, allocated for every open connection; frames
            // larger than this are simply written in several chunks
            connector.setProperty("socket.appReadBufSize", "4096");
            connector.setProperty("socket.appWriteBufSize", "4096");
            if (socketSendBuffer > 0) {
                connector.setProperty("socket.txBufSize", String.valueOf(socketSendBuffer));
            }
        });
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
