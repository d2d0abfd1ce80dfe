/** The registry's token endpoint: docker-registry sends clients here (its token auth realm) for their access token. */
package io.berth.controlplane.api.registry;
