package io.strata.admin;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * admin-api is only a Kafka client of the cluster (DESIGN.md): REST, CLI tools and clients share one path.
 * The Maven enforcer keeps broker-engine off its classpath; this keeps its code from reaching for it.
 */
class AdminApiArchitectureTest {
    private static final JavaClasses ADMIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.strata.admin");

    @Test
    void adminApiNeverImportsTheEngine() {
        noClasses().should().dependOnClassesThat().resideInAPackage("io.strata.engine..")
                .check(ADMIN);
    }
}
