package io.fleetevents.processor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Package rules: pure logic stays free of Kafka runtime and Spring; only the app package knows Spring. */
class ArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.fleetevents.processor");

    @Test
    void shouldKeepTheDiffAndTheSnapshotReaderFreeOfKafkaStreamsAndSpring() {
        noClasses().that().resideInAnyPackage("..processor.diff..", "..processor.snapshot..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka.streams..", "org.springframework..")
                .check(classes);
    }

    @Test
    void shouldKeepCapacityFreeOfKafkaStreamsAndSpring() {
        noClasses().that().resideInAPackage("..processor.capacity..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka.streams..", "org.springframework..")
                .check(classes);
    }

    @Test
    void shouldBuildTheTopologyWithoutSpring() {
        noClasses().that().resideInAPackage("..processor.topology..")
                .should().dependOnClassesThat().resideInAPackage("org.springframework..")
                .check(classes);
    }

    @Test
    void shouldKeepThePureLogicIndependentOfTheAppAndTheTopology() {
        noClasses().that().resideInAnyPackage("..processor.diff..", "..processor.capacity..", "..processor.snapshot..")
                .should().dependOnClassesThat().resideInAnyPackage("..processor.app..", "..processor.topology..")
                .check(classes);
    }
}
