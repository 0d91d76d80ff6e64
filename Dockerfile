# syntax=docker/dockerfile:1
#
# Loopgate container image.
#
#   docker build -t loopgate .
#   docker run --rm -p 8080:8080 -p 9000:9000 -p 8081:8081 loopgate
#
# Base image: eclipse-temurin:17-jdk (Ubuntu, Temurin 17) for BOTH stages.
#
# Why a JDK and not eclipse-temurin:17-jre at run time: the per-loop instrumentation
# (io.loopgate.loop) installs a Byte Buddy agent into the running JVM by self-attaching.
# That needs
#   - the jdk.attach module (the Attach API); the JRE images are the "legacy JRE" module
#     set and do not promise it, and without it Byte Buddy reports "No compatible
#     attachment provider" and loopgate_loop_instrumented drops to 0;
#   - $JAVA_HOME/bin/java, because on JDK 9+ a JVM may not attach to itself
#     (jdk.attach.allowAttachSelf=false), so Byte Buddy starts a helper JVM that attaches;
#   - the helper running as the SAME uid as the gateway, and a writable java.io.tmpdir
#     (/tmp) where the attach handshake files (.attach_pid<pid>, .java_pid<pid>) live.
# The JDK image has all of these; CI checks `java --list-modules` for jdk.attach in the
# built image. (A jlink'ed runtime with `--add-modules ...,jdk.attach` on a slim base
# would be smaller; it is a possible follow-up, not needed for correctness.)
#
# CI (.ci/deploy-checks.sh) has no registry for this base image: it builds a stand-in
# from Debian bookworm + openjdk-17-jdk-headless with debootstrap and tags it with the
# name below, then builds this file with `podman build --pull=never`.
ARG JDK_IMAGE=eclipse-temurin:17-jdk

########## build: Maven wrapper on a JDK 17, then split the Spring Boot layered jar
FROM ${JDK_IMAGE} AS build
# The wrapper (distributionType=only-script) unpacks the Maven zip with unzip.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends unzip \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY src src
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -Dmaven.test.skip=true package \
 && java -Djarmode=tools -jar target/loopgate.jar extract --layers --launcher --destination /layers

########## run
FROM ${JDK_IMAGE}
# Fixed non-root uid/gid so that Kubernetes runAsUser/fsGroup can match them.
RUN groupadd --system --gid 10001 loopgate \
 && useradd --system --uid 10001 --gid loopgate --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin loopgate \
 && mkdir -p /etc/loopgate
WORKDIR /app
# One COPY per layer, least to most often changing, so that a code change rebuilds
# only the last layers.
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./
# Container-aware heap: a share of the cgroup memory limit, not of the host's. Half, not
# the usual 75%, because a proxy's bytes live in Netty's direct buffers, which come out
# of the other half with metaspace and thread stacks. Die on OOM so the orchestrator
# restarts us. JAVA_TOOL_OPTIONS is read by the JVM itself, so the entrypoint needs no
# shell, and the attach helper JVM sees the same settings.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50.0 -XX:InitialRAMPercentage=50.0 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
# 8080: HTTP listener "web"; 9000: TCP listener "echo"; 8081: management (Actuator).
EXPOSE 8080 9000 8081
USER 10001:10001
# An extra application.yml can be mounted at /etc/loopgate/application.yml and named with
# SPRING_CONFIG_ADDITIONAL_LOCATION=file:/etc/loopgate/application.yml (the Helm chart does).
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
