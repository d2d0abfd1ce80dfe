/**
 * The training run of the CLI's ahead-of-time cache (JEP 483/514): the launcher (scripts/jvm.sh) runs
 * {@link io.berth.cli.aot.AotTraining} once per build and JDK with -XX:AOTCacheOutput, so that every later command
 * starts with the classes it loads, links and initialises already in the cache. The training talks HTTPS to a
 * {@link io.berth.cli.aot.TrainingControlPlane} in a child JVM, so the cache holds the CLI's side of TLS and nothing
 * of the stand-in's.
 */
package io.berth.cli.aot;
