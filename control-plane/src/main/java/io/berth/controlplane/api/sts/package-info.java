/** The STS subset on the query protocol: GetCallerIdentity, so that tools which ask "who am I" first work. */
package io.berth.controlplane.api.sts;
