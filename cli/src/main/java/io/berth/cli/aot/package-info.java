/**
 * The training run of the CLI's ahead-of-time cache (JEP 483/514): the launcher (scripts/jvm.sh) runs
 * {@link io.berth.cli.aot.AotTraining} once per build and JDK with -XX:AOTCacheOutput, so that every later command
 * starts with the classes it loads, links and initialises already in the cache.
 */
package io.berth.cli.aot;
