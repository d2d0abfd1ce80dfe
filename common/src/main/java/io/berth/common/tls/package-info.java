/**
 * TLS between Berth's parts with no certificate work for the user: certificates read from PEM, the pin a join
 * token carries (SHA-256 of a certificate's SubjectPublicKeyInfo, as kubeadm's discovery-token-ca-cert-hash), and
 * SSL contexts that trust a cluster's own CA (alone, or beside the system's CAs).
 */
package io.berth.common.tls;
