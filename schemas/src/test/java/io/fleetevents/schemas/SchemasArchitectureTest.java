package io.fleetevents.schemas;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The contract module stays framework-free: apps depend on it, it depends on no app and no runtime. */
class SchemasArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.fleetevents.schemas");

    @Test
    void shouldNotDependOnSpringKafkaStreamsOrAnyApp() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "org.springframework..", "org.apache.kafka.streams..",
                        "io.fleetevents.poller..", "io.fleetevents.processor..", "io.fleetevents.broadcaster..",
                        "io.fleetevents.codersim..", "io.fleetevents.standalone..")
                .check(classes);
    }
}
