package io.strata.engine.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs a non-Java Kafka client (kcat, node) to completion and returns its non-blank stdout lines. */
final class ExternalClient {
    private ExternalClient() {
    }

    static List<String> run(Path workDir, long timeoutSeconds, List<String> command)
            throws IOException, InterruptedException {
        Path stdout = Files.createTempFile(workDir, "client", ".out");
        Path stderr = Files.createTempFile(workDir, "client", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .start();
        try {
            assertThat(process.waitFor(timeoutSeconds, TimeUnit.SECONDS)).as("%s finished; stderr:%n%s",
                    command.get(0), Files.readString(stderr)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(process.exitValue()).as("%s exit code; stderr:%n%s", command.get(0), Files.readString(stderr))
                .isZero();
        return Files.readAllLines(stdout, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
    }
}
