package io.fleetevents.codersim;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("io.fleetevents.codersim");

    @Test
    void shouldDependOnNothingOfOursAndNoFramework() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.fleetevents.schemas..",
                        "io.fleetevents.poller..", "io.fleetevents.processor..", "io.fleetevents.broadcaster..",
                        "org.springframework..", "org.apache.kafka..")
                .check(classes);
    }

    @Test
    void shouldKeepTheFleetModelFreeOfHttp() {
        noClasses().that().resideInAPackage("..codersim.fleet..")
                .should().dependOnClassesThat().resideInAnyPackage("com.sun.net.httpserver..",
                        "io.fleetevents.codersim.api..", "io.fleetevents.codersim.control..")
                .check(classes);
    }
}
