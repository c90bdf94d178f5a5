package io.strata.engine;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's package layering (../shared/DESIGN.md, "Engine packages"): each package imports only packages
 * below it. One rule per package, generated from the order below, so a new upward edge fails the build
 * with the offending class and dependency named. Also: no Spring, and none of Kafka's server modules.
 */
class EngineArchitectureTest {
    private static final String ENGINE = "io.strata.engine";

    /**
     * Top-down. Packages on one line are peers: they may not import each other. A class belongs to the most
     * specific package listed here that holds it.
     */
    private static final List<List<String>> LAYERS = List.of(
            List.of("server"),
            List.of("handler.admin", "handler.data", "handler.group", "handler.txn"),
            List.of("handler"),
            List.of("group", "txn"),
            List.of("coordinator"),
            List.of("topic"),
            List.of("replication"),
            List.of("network"),
            List.of("cluster"),
            List.of("log.cleaner"),
            List.of("log"),
            List.of("log.retention"),
            List.of("log.producer"),
            List.of("log.validation"),
            List.of("log.segment"),
            List.of("log.checkpoint"),
            List.of("security"),
            List.of("config"),
            List.of("metadata"),
            List.of("metrics"));

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ENGINE);

    @TestFactory
    Stream<DynamicTest> eachPackageImportsOnlyPackagesBelowIt() {
        return LAYERS.stream().flatMap(List::stream).map(pkg -> {
            int layer = layerOf(pkg);
            ArchRule rule = noClasses().that(belongTo(pkg))
                    .should().dependOnClassesThat(DescribedPredicate.describe(
                            "are in " + pkg + "'s layer or above it", c -> {
                                String other = rulePackage(c);
                                return other != null && !other.equals(pkg) && layerOf(other) <= layer;
                            }))
                    .allowEmptyShould(true) // coordinator, replication, security: not written yet
                    .as(pkg + " imports only packages below it");
            return DynamicTest.dynamicTest(pkg, () -> rule.check(CLASSES));
        });
    }

    @Test
    void theEngineNeverImportsSpring() {
        noClasses().should().dependOnClassesThat().resideInAPackage("org.springframework..").check(CLASSES);
    }

    @Test
    void theEngineNeverUsesKafkasServerModules() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("kafka..", "org.apache.kafka.storage..",
                "org.apache.kafka.raft..", "org.apache.kafka.coordinator..", "org.apache.kafka.metadata..",
                "org.apache.kafka.image..", "org.apache.kafka.controller..", "org.apache.kafka.server.log..",
                "org.apache.kafka.server.common..").check(CLASSES);
    }

    @Test
    void everyEnginePackageHasARule() {
        assertThat(CLASSES.stream().filter(c -> rulePackage(c) == null).map(JavaClass::getName).toList())
                .as("classes in packages missing from LAYERS").isEmpty();
    }

    private static DescribedPredicate<JavaClass> belongTo(String pkg) {
        return DescribedPredicate.describe("belong to " + pkg, c -> pkg.equals(rulePackage(c)));
    }

    /** The most specific package in LAYERS that holds the class, or null for classes outside the engine. */
    private static String rulePackage(JavaClass c) {
        String name = c.getPackageName();
        if (!name.startsWith(ENGINE + ".")) {
            return null;
        }
        String relative = name.substring(ENGINE.length() + 1);
        return LAYERS.stream().flatMap(List::stream)
                .filter(p -> relative.equals(p) || relative.startsWith(p + "."))
                .max(Comparator.comparingInt(String::length))
                .orElse(null);
    }

    private static int layerOf(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(pkg)) {
                return i;
            }
        }
        throw new IllegalArgumentException(pkg);
    }
}
