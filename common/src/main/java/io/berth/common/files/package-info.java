/** File-system helpers shared by the agent, the CLI and the test fixtures. */
package io.berth.common.files;
