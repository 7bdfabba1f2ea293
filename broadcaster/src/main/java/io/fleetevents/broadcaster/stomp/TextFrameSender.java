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
 *
 * <p>The send timeout: Tomcat files every async write with a timeout in one server-wide skip list and takes it out
 * again when the write completes (12 % of the writer threads' own time at 50,000 writes/s), although nearly every
 * write completes at once. On Tomcat the connection therefore watches its own writes ({@link #watchesItsOwnWrites()}:
 * its ticker calls {@link #abortStuckWrite()} on a write pending longer than the timeout), which closes the endpoint
 * and its socket: the pending write's handler is told it failed and Tomcat closes the session. Unlike Tomcat's own
 * timeout, it does not first try to write a close frame into the full socket (a blocking write of up to 20 s on the
 * thread that noticed). Elsewhere the container's send timeout applies.
 */
final class TextFrameSender {

    private static final Logger log = LoggerFactory.getLogger(TextFrameSender.class);
    private static final byte OPCODE_TEXT = 0x1;
    private static final Class<?> TOMCAT_SESSION;
    private static final MethodHandle REMOTE_OF_SESSION;
    private static final MethodHandle START_MESSAGE;
    private static final MethodHandle CLOSE_ENDPOINT;

    static {
        Class<?> sessionClass = null;
        MethodHandle remote = null;
        MethodHandle start = null;
        MethodHandle close = null;
        try {
            sessionClass = Class.forName("org.apache.tomcat.websocket.WsSession");
            Field field = sessionClass.getDeclaredField("wsRemoteEndpoint");
            field.setAccessible(true);
            Class<?> base = Class.forName("org.apache.tomcat.websocket.WsRemoteEndpointImplBase");
            Method method = base.getDeclaredMethod("startMessage", byte.class, ByteBuffer.class, boolean.class, SendHandler.class);
            method.setAccessible(true);
            remote = MethodHandles.lookup().unreflectGetter(field);
            start = MethodHandles.lookup().unreflect(method);
            close = MethodHandles.lookup().unreflect(base.getMethod("close"));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            log.info("Tomcat's WebSocket internals not available ({}); using RemoteEndpoint.Async.sendText", e.toString());
            sessionClass = null;
        }
        TOMCAT_SESSION = sessionClass;
        REMOTE_OF_SESSION = remote;
        START_MESSAGE = start;
        CLOSE_ENDPOINT = close;
    }

    private final Session session;
    private final Object tomcatRemote;
    private final boolean watchesItsOwnWrites;

    /** @param sendTimeoutMillis how long one write may take before the client is dropped */
    TextFrameSender(Session session, long sendTimeoutMillis) {
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
        // the three handles resolve together or not at all, and the remote endpoint of a WsSession is a
        // WsRemoteEndpointImplBase: with the endpoint in hand, it can be closed too
        this.watchesItsOwnWrites = remote != null;
        // -1: Tomcat keeps no timeout of its own for this session's async writes
        session.getAsyncRemote().setSendTimeout(watchesItsOwnWrites ? -1 : sendTimeoutMillis);
    }

    /** Whether the caller must time this sender's writes out itself, with {@link #abortStuckWrite()}. */
    boolean watchesItsOwnWrites() {
        return watchesItsOwnWrites;
    }

    /** Ends the write in flight: closes the endpoint and its socket; the write's handler is told it failed. */
    void abortStuckWrite() {
        if (!watchesItsOwnWrites) {
            throw new IllegalStateException("the container times this session's writes out itself");
        }
        try {
            CLOSE_ENDPOINT.invoke(tomcatRemote);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
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
