package io.fleetevents.poller;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.fleetevents.poller");

    @Test
    void shouldKeepSpringOutOfTheFeaturePackages() {
        noClasses().that().resideInAnyPackage("..poller.coder..", "..poller.snapshot..", "..poller.publish..",
                        "..poller.cycle..", "..poller.watch..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
                .check(classes);
    }

    @Test
    void shouldDependOnNoOtherAppOfOursOnlyOnSchemas() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.fleetevents.processor..",
                        "io.fleetevents.broadcaster..", "io.fleetevents.codersim..", "io.fleetevents.standalone..")
                .check(classes);
    }

    @Test
    void shouldKeepPureLogicFreeOfIoAndKafka() {
        noClasses().that().resideInAPackage("..poller.snapshot..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "java.net..",
                        "io.fleetevents.poller.publish..", "io.fleetevents.poller.cycle..")
                .check(classes);
    }
}
