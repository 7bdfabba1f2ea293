package io.fleetevents.reliability.collect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A STOMP 1.2 frame, and the minimal codec the collectors and the fuzzer need. */
public record StompFrame(String command, Map<String, String> headers, String body) {

    /** Encodes the frame (header values escaped as STOMP 1.2 says), NUL-terminated. */
    public String encode() {
        StringBuilder out = new StringBuilder(command).append('\n');
        headers.forEach((k, v) -> out.append(escape(k)).append(':').append(escape(v)).append('\n'));
        return out.append('\n').append(body == null ? "" : body).append('\0').toString();
    }

    public String header(String name) {
        return headers.get(name);
    }

    public static StompFrame of(String command, Map<String, String> headers) {
        return new StompFrame(command, headers, "");
    }

    /**
     * Takes every complete frame from the front of {@code buffer} (frames end with NUL; heart-beat newlines between
     * frames are skipped) and leaves an incomplete tail in it.
     */
    public static List<StompFrame> drain(StringBuilder buffer) {
        List<StompFrame> frames = new ArrayList<>();
        while (true) {
            int start = 0;
            while (start < buffer.length() && (buffer.charAt(start) == '\n' || buffer.charAt(start) == '\r')) {
                start++;
            }
            int end = buffer.indexOf("\0", start);
            if (end < 0) {
                buffer.delete(0, start);
                return frames;
            }
            frames.add(parse(buffer.substring(start, end)));
            buffer.delete(0, end + 1);
        }
    }

    private static StompFrame parse(String text) {
        int headerEnd = text.indexOf("\n\n");
        String head = headerEnd < 0 ? text : text.substring(0, headerEnd);
        String body = headerEnd < 0 ? "" : text.substring(headerEnd + 2);
        String[] lines = head.split("\r?\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(unescape(lines[i].substring(0, colon)), unescape(lines[i].substring(colon + 1)));
            }
        }
        return new StompFrame(lines[0].trim(), headers, body);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace(":", "\\c");
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                out.append(switch (n) {
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 'c' -> ':';
                    default -> n;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
