package io.fleetevents.broadcaster.mcp;

/** A tool argument the caller must fix; the message names the argument. Becomes a tool error, not a protocol error. */
final class ToolArgumentException extends RuntimeException {

    ToolArgumentException(String argument, String problem) {
        super("argument '" + argument + "': " + problem, null, false, false);
    }
}
