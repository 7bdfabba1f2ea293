package io.fleetevents.broadcaster;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class BroadcasterArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.fleetevents.broadcaster");

    @Test
    void shouldKeepFeaturePackagesFreeOfCycles() {
        slices().matching("io.fleetevents.broadcaster.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void shouldKeepFanOutAndReplayIndependentOfTransports() {
        noClasses().that().resideInAnyPackage("..broadcaster.fanout..", "..broadcaster.replay..", "..broadcaster.auth..")
                .should().dependOnClassesThat().resideInAnyPackage("..broadcaster.stomp..", "..broadcaster.http..",
                        "org.springframework.web..")
                .check(classes);
    }
}
