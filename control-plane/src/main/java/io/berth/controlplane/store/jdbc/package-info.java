/** JDBC plumbing of the store: connection pools per database, Flyway migrations, a small query helper. */
package io.berth.controlplane.store.jdbc;
