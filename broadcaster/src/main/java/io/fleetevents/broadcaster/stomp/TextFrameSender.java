package io.fleetevents.broadcaster.stomp;

import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one WebSocket text message whose payload is already UTF-8, without a send-completion executor of our own
 * and without the container re-encoding a {@code String}. On Tomcat the payload bytes go straight to the endpoint's
 * {@code startMessage(OPCODE_TEXT, …)} — exactly what {@code sendText} does after encoding; on any other container
 * (or if Tomcat's internals change) it falls back to the standard {@code getAsyncRemote().sendText(String, …)}.
 */
final class TextFrameSender {

    private static final Logger log = LoggerFactory.getLogger(TextFrameSender.class);
    private static final byte OPCODE_TEXT = 0x1;
    private static final Class<?> TOMCAT_SESSION;
    private static final MethodHandle REMOTE_OF_SESSION;
    private static final MethodHandle START_MESSAGE;

    static {
        Class<?> sessionClass = null;
        MethodHandle remote = null;
        MethodHandle start = null;
        try {
            sessionClass = Class.forName("org.apache.tomcat.websocket.WsSession");
            Field field = sessionClass.getDeclaredField("wsRemoteEndpoint");
            field.setAccessible(true);
            Class<?> base = Class.forName("org.apache.tomcat.websocket.WsRemoteEndpointImplBase");
            Method method = base.getDeclaredMethod("startMessage", byte.class, ByteBuffer.class, boolean.class, SendHandler.class);
            method.setAccessible(true);
            remote = MethodHandles.lookup().unreflectGetter(field);
            start = MethodHandles.lookup().unreflect(method);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            log.info("Tomcat's WebSocket internals not available ({}); using RemoteEndpoint.Async.sendText", e.toString());
            sessionClass = null;
        }
        TOMCAT_SESSION = sessionClass;
        REMOTE_OF_SESSION = remote;
        START_MESSAGE = start;
    }

    private final Session session;
    private final Object tomcatRemote;

    TextFrameSender(Session session) {
        this.session = session;
        Object remote = null;
        if (TOMCAT_SESSION != null && TOMCAT_SESSION.isInstance(session)) {
            try {
                remote = REMOTE_OF_SESSION.invoke(session);
            } catch (Throwable e) {
                remote = null;
            }
        }
        this.tomcatRemote = remote;
    }

    /** Sends {@code bytes[0, length)} (valid UTF-8) as one text message; {@code handler} is told the result. */
    void send(byte[] bytes, int length, SendHandler handler) {
        if (tomcatRemote != null) {
            try {
                START_MESSAGE.invoke(tomcatRemote, OPCODE_TEXT, ByteBuffer.wrap(bytes, 0, length), true, handler);
                return;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
        session.getAsyncRemote().sendText(new String(bytes, 0, length, StandardCharsets.UTF_8), handler);
    }
}
