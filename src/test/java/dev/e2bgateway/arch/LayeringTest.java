package dev.e2bgateway.arch;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The direction of the arrows between packages (docs/architecture.md). Lower
 * layers never import higher ones: the upstream wire knows nothing of the core, the core
 * nothing of any dialect or of HTTP, and HTTP plumbing nothing of a particular dialect.
 */
@AnalyzeClasses(packages = "dev.e2bgateway", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    /** The front doors, one dialect package each; a new door adds its name here and every rule below covers it. */
    private static final List<String> DOORS = List.of("chatcompletions", "anthropic", "responses", "gemini", "ollama");
    private static final String[] DOOR_PACKAGES = DOORS.stream().map(d -> "dev.e2bgateway." + d + "..").toArray(String[]::new);

    @ArchTest
    static final ArchRule packages_depend_only_downwards = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("wiring").definedBy("dev.e2bgateway")
            .layer("reload").definedBy("dev.e2bgateway.reload..")
            .layer("api").definedBy("dev.e2bgateway.api..")
            .layer("dialects").definedBy(DOOR_PACKAGES)
            .layer("http").definedBy("dev.e2bgateway.http..")
            .layer("metrics").definedBy("dev.e2bgateway.metrics..")
            .layer("dialect").definedBy("dev.e2bgateway.dialect..")
            .layer("core").definedBy("dev.e2bgateway.core..")
            .layer("models").definedBy("dev.e2bgateway.models..")
            .layer("upstream").definedBy("dev.e2bgateway.upstream..")
            .layer("json").definedBy("dev.e2bgateway.json..")
            .layer("tokens").definedBy("dev.e2bgateway.tokens..")
            .layer("state").definedBy("dev.e2bgateway.state..")
            .layer("error").definedBy("dev.e2bgateway.error..")
            .layer("config").definedBy("dev.e2bgateway.config..")
            .whereLayer("wiring").mayNotBeAccessedByAnyLayer()
            .whereLayer("reload").mayOnlyBeAccessedByLayers("wiring")
            .whereLayer("api").mayOnlyBeAccessedByLayers("wiring")
            .whereLayer("dialects").mayOnlyBeAccessedByLayers("wiring", "api")
            .whereLayer("http").mayOnlyBeAccessedByLayers("wiring", "reload", "api")
            .whereLayer("metrics").mayOnlyBeAccessedByLayers("wiring")
            .whereLayer("dialect").mayOnlyBeAccessedByLayers("wiring", "api", "dialects", "http")
            .whereLayer("core").mayOnlyBeAccessedByLayers("wiring", "reload", "api", "dialects", "dialect", "http", "metrics")
            .whereLayer("models").mayOnlyBeAccessedByLayers("wiring", "reload", "api", "dialects", "dialect", "core")
            .whereLayer("upstream").mayOnlyBeAccessedByLayers("wiring", "core", "metrics")
            .whereLayer("json").mayOnlyBeAccessedByLayers("dialects")
            .whereLayer("tokens").mayOnlyBeAccessedByLayers("core")
            .whereLayer("state").mayOnlyBeAccessedByLayers("wiring", "reload", "dialects", "http", "core")
            .whereLayer("error").mayOnlyBeAccessedByLayers("wiring", "api", "dialects", "dialect", "http", "core", "json")
            .whereLayer("config").mayOnlyBeAccessedByLayers("wiring", "reload", "core", "models", "upstream", "http");

    @ArchTest
    static final ArchRule no_package_cycles = slices().matching("dev.e2bgateway.(*)..").should().beFreeOfCycles();

    /** Each front door stands alone: what two dialects share lives below them (dialect, core). */
    @ArchTest
    static final ArchRule no_dialect_knows_another = slices().matching("dev.e2bgateway.(" + String.join("|", DOORS) + ")..")
            .namingSlices("dialect $1").should().notDependOnEachOther();

    /**
     * What a fleet shares (stored responses as opaque documents, counters, route marks) knows
     * nothing of the gateway: no dialect, no core, no HTTP.
     */
    @ArchTest
    static final ArchRule the_shared_state_knows_nothing_of_the_gateway = noClasses().that().resideInAPackage("dev.e2bgateway.state..")
            .should().dependOnClassesThat(resideInAPackage("dev.e2bgateway..").and(not(resideInAPackage("dev.e2bgateway.state.."))));

    @ArchTest
    static final ArchRule core_and_upstream_know_no_web_framework = noClasses()
            .that().resideInAnyPackage(Stream.concat(Stream.of("dev.e2bgateway.core..", "dev.e2bgateway.upstream..", "dev.e2bgateway.dialect..",
                    "dev.e2bgateway.state..", "dev.e2bgateway.tokens.."), Stream.of(DOOR_PACKAGES)).toArray(String[]::new))
            .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "jakarta.servlet..", "org.eclipse.jetty..");
}
