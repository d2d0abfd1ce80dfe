package io.berth.controlplane.api.sts;

import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.query.QueryAction;
import io.berth.controlplane.api.query.QueryArguments;
import io.berth.controlplane.api.query.QueryService;
import io.berth.controlplane.api.query.XmlElement;

import java.util.List;
import java.util.Set;

/**
 * STS's GetCallerIdentity. Berth has accounts and their access keys, no IAM users or roles: a key acts as its
 * account's root, so the answer is the account id, arn:aws:iam::ACCOUNT:root and, as AWS gives for root
 * credentials, the account id as UserId.
 */
public final class StsActions
{
    public static final String SIGNING_NAME = "sts";
    public static final String VERSION = "2011-06-15";
    public static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

    private StsActions() {}

    public static QueryService service()
    {
        return new QueryService(SIGNING_NAME, VERSION, NAMESPACE, List.of(new QueryAction("GetCallerIdentity", Set.of(), StsActions::getCallerIdentity)));
    }

    private static XmlElement getCallerIdentity(RequestContext context, QueryArguments arguments)
    {
        String accountId = context.account().accountId();
        return QueryAction.result("GetCallerIdentity")
                .add("Arn", "arn:aws:iam::" + accountId + ":root")
                .add("UserId", accountId)
                .add("Account", accountId);
    }
}
