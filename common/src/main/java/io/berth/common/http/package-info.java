/** How Berth makes the JDK's HTTP servers it answers with (the API, the agent's endpoint, the task metadata endpoint). */
package io.berth.common.http;
