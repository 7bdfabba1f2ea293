package io.fleetevents.processor;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The processor app. Start it alone with {@code java -jar processor-exec.jar} (Kafka from
 * {@code KAFKA_BOOTSTRAP_SERVERS}), or programmatically next to other apps:
 * {@code new SpringApplicationBuilder(ProcessorApplication.class).properties(...).run()}.
 */
@SpringBootApplication(scanBasePackages = "io.fleetevents.processor.app")
public class ProcessorApplication {

    public static void main(String[] args) {
        new SpringApplicationBuilder(ProcessorApplication.class)
                .properties("spring.application.name=processor")
                .run(args);
    }
}
