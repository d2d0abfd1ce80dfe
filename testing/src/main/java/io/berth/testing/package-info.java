/**
 * Fixtures for tests that use the real parts: a docker-registry on loopback, test images built from
 * Debian's busybox-static, a PostgreSQL database, and private test networks of hosts in network namespaces
 * ({@link io.berth.testing.TestNetwork}). Test scope only.
 */
package io.berth.testing;
