package io.fleetevents.codersim;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    private static final String ROOT = "io.fleetevents.codersim";

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

    /**
     * The root package (the simulator's wiring and config) counts as a slice of its own, so a subpackage that reached
     * back into {@code CoderSim} would be a cycle too.
     */
    @Test
    void shouldHaveNoPackageCycles() {
        slices().assignedFrom(new SliceAssignment() {
                    @Override
                    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                        String pkg = javaClass.getPackageName();
                        if (!pkg.startsWith(ROOT)) {
                            return SliceIdentifier.ignore();
                        }
                        String rest = pkg.substring(ROOT.length());
                        return SliceIdentifier.of(rest.isEmpty() ? "(root)" : rest.substring(1).split("\\.")[0]);
                    }

                    @Override
                    public String getDescription() {
                        return "the root package and each direct subpackage of " + ROOT;
                    }
                })
                .should().beFreeOfCycles()
                .check(classes);
    }
}
