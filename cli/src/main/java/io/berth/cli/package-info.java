/** The berth command: picocli commands for users and operators, and the all-in-one `berth up`. */
package io.berth.cli;
