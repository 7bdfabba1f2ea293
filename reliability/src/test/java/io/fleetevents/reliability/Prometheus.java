package io.fleetevents.reliability;

import io.fleetevents.reliability.harness.AppProcess;

/** Reads counters from an app's {@code /actuator/prometheus} text. */
final class Prometheus {

    private Prometheus() {
    }

    /** Sum of every sample of {@code metric} whose labels contain each of {@code labels} ({@code k="v"}). */
    static double sum(AppProcess app, String metric, String... labels) {
        String text;
        try {
            text = app.prometheus();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read metrics of " + app.name() + ": " + e.getMessage(), e);
        }
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(metric + "{") || line.startsWith(metric + " "))) {
                continue;
            }
            boolean match = true;
            for (String label : labels) {
                match &= line.contains(label);
            }
            if (match) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }
}
