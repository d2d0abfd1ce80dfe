/**
 * The API's TLS: a cluster CA made in the data directory on first start, the API's server certificate it signs
 * for the addresses and names clients use, or the operator's own certificate and key instead.
 */
package io.berth.controlplane.tls;
