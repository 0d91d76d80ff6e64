package io.loopgate;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Package rules of DESIGN.md and STYLE.md. */
class ArchitectureTest {

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.loopgate");

    @Test
    void onlyTheLoopPackageTouchesEpoll() {
        noClasses().that().resideOutsideOfPackage("io.loopgate.loop..")
                .should().dependOnClassesThat().resideInAPackage("io.netty.channel.epoll..")
                .check(CLASSES);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("io.loopgate.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void httpAndTcpNeverImportEachOther() {
        noClasses().that().resideInAPackage("io.loopgate.proxy.http..")
                .should().dependOnClassesThat().resideInAPackage("io.loopgate.proxy.tcp..").check(CLASSES);
        noClasses().that().resideInAPackage("io.loopgate.proxy.tcp..")
                .should().dependOnClassesThat().resideInAPackage("io.loopgate.proxy.http..")
                .allowEmptyShould(true).check(CLASSES);
    }
}
