/**
 * The AWS query protocol, as ELBv2 and STS speak it: {@code POST /} with a form body (Action, Version and the
 * action's parameters, lists flattened as Name.member.N), answered in XML ({@code <ActionResponse><ActionResult>})
 * and refused with {@code <ErrorResponse><Error><Type>Sender</Type><Code>}. The services themselves (api/elb,
 * api/sts) build their results with {@link io.berth.controlplane.api.query.XmlElement}.
 */
package io.berth.controlplane.api.query;
