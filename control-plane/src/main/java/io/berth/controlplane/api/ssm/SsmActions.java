package io.berth.controlplane.api.ssm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.SignedJsonAction;
import io.berth.controlplane.api.actions.JsonFields;
import io.berth.controlplane.resources.Page;
import io.berth.controlplane.secrets.Parameter;
import io.berth.controlplane.secrets.ParameterService;
import io.berth.controlplane.secrets.SecretsException;

import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

import static io.berth.controlplane.api.actions.JsonFields.optionalBoolean;
import static io.berth.controlplane.api.actions.JsonFields.optionalInteger;
import static io.berth.controlplane.api.actions.JsonFields.optionalString;
import static io.berth.controlplane.api.actions.JsonFields.optionalStrings;
import static io.berth.controlplane.api.actions.JsonFields.putIfNotNull;
import static io.berth.controlplane.api.actions.JsonFields.putTime;
import static java.util.Objects.requireNonNull;

/**
 * PutParameter, GetParameter, GetParameters, GetParametersByPath and DeleteParameter in SSM's shapes. Errors are
 * SSM's: ParameterNotFound, ParameterAlreadyExists, ValidationException; fields Berth does not honour (KMS keys,
 * policies, tiers above Standard, filters) are refused naming them.
 */
public final class SsmActions
{
    public static final String SIGNING_NAME = "ssm";
    public static final String TARGET_PREFIX = "AmazonSSM.";
    private static final String VALIDATION = "ValidationException";
    private static final int MAX_PATH_RESULTS = 10;

    private final ParameterService parameters;

    public SsmActions(ParameterService parameters)
    {
        this.parameters = requireNonNull(parameters, "parameters is null");
    }

    public List<EcsAction> actions()
    {
        return List.of(
                action("PutParameter", Set.of("Name", "Description", "Value", "Type", "KeyId", "Overwrite", "AllowedPattern", "Tags", "Tier", "Policies", "DataType"),
                        this::putParameter),
                action("GetParameter", Set.of("Name", "WithDecryption"), this::getParameter),
                action("GetParameters", Set.of("Names", "WithDecryption"), this::getParameters),
                action("GetParametersByPath", Set.of("Path", "Recursive", "ParameterFilters", "WithDecryption", "MaxResults", "NextToken"), this::getParametersByPath),
                action("DeleteParameter", Set.of("Name"), this::deleteParameter));
    }

    private static EcsAction action(String name, Set<String> fields, BiFunction<RequestContext, JsonNode, JsonNode> handler)
    {
        return new SignedJsonAction(name, "SSM Parameter Store", fields, handler, SsmActions::error, VALIDATION);
    }

    private static EcsException error(RuntimeException e)
    {
        if (e instanceof SecretsException secrets) {
            return new EcsException(switch (secrets.kind()) {
                case NOT_FOUND -> "ParameterNotFound";
                case ALREADY_EXISTS -> "ParameterAlreadyExists";
                case INVALID_PARAMETER -> VALIDATION;
                case INVALID_REQUEST -> "TooManyUpdates";
            }, e.getMessage());
        }
        if (e instanceof EcsException ecs && ecs.type().equals("InvalidParameterException")) {
            // the shared field readers speak ECS; SSM calls a malformed field a ValidationException
            return new EcsException(VALIDATION, e.getMessage());
        }
        return null;
    }

    private JsonNode putParameter(RequestContext context, JsonNode request)
    {
        refuse(request, "KeyId", "Berth encrypts SecureString parameters with its own key; leave out KeyId.");
        refuse(request, "AllowedPattern", "Berth's Parameter Store does not check AllowedPattern; leave it out.");
        refuse(request, "Tags", "Berth's Parameter Store does not keep tags on parameters; leave out Tags.");
        refuse(request, "Policies", "Berth's Parameter Store has no parameter policies; leave out Policies.");
        String tier = optionalString(request, "Tier");
        if (tier != null && !tier.equals("Standard")) {
            throw new EcsException(VALIDATION, "Berth's Parameter Store has the Standard tier only; Tier " + tier + " is not supported.");
        }
        String dataType = optionalString(request, "DataType");
        if (dataType != null && !dataType.equals("text")) {
            throw new EcsException(VALIDATION, "Berth's Parameter Store supports DataType text only.");
        }
        String type = optionalString(request, "Type");
        Parameter.ParameterType parsed = null;
        if (type != null) {
            try {
                parsed = Parameter.ParameterType.valueOf(type);
            }
            catch (IllegalArgumentException e) {
                throw new EcsException(VALIDATION, "1 validation error detected: Value '" + type + "' at 'type' failed to satisfy constraint: "
                        + "Member must satisfy enum value set: [SecureString, StringList, String]");
            }
        }
        long version = parameters.put(context.account().accountId(), optionalString(request, "Name"), parsed, optionalString(request, "Value"),
                optionalString(request, "Description"), Boolean.TRUE.equals(optionalBoolean(request, "Overwrite")));
        ObjectNode response = JsonFields.object();
        response.put("Version", version);
        response.put("Tier", "Standard");
        return response;
    }

    private JsonNode getParameter(RequestContext context, JsonNode request)
    {
        ParameterService.ReadParameter read = parameters.get(context.account().accountId(), optionalString(request, "Name"), decrypt(request));
        ObjectNode response = JsonFields.object();
        response.set("Parameter", parameterJson(context, read));
        return response;
    }

    private JsonNode getParameters(RequestContext context, JsonNode request)
    {
        ParameterService.Found found = parameters.getAll(context.account().accountId(), optionalStrings(request, "Names"), decrypt(request));
        ObjectNode response = JsonFields.object();
        ArrayNode list = response.putArray("Parameters");
        found.parameters().forEach(read -> list.add(parameterJson(context, read)));
        response.set("InvalidParameters", JsonFields.strings(found.invalid()));
        return response;
    }

    private JsonNode getParametersByPath(RequestContext context, JsonNode request)
    {
        refuse(request, "ParameterFilters", "Berth's GetParametersByPath does not filter; leave out ParameterFilters.");
        Integer maxResults = optionalInteger(request, "MaxResults");
        if (maxResults != null && (maxResults < 1 || maxResults > MAX_PATH_RESULTS)) {
            throw new EcsException(VALIDATION, "1 validation error detected: Value '" + maxResults + "' at 'maxResults' failed to satisfy constraint: "
                    + "Member must have value less than or equal to " + MAX_PATH_RESULTS);
        }
        int offset = Page.decodeToken(optionalString(request, "NextToken"))
                .orElseThrow(() -> new EcsException(VALIDATION, "The specified NextToken is not valid."));
        Page<ParameterService.ReadParameter> page = parameters.byPath(context.account().accountId(), optionalString(request, "Path"),
                Boolean.TRUE.equals(optionalBoolean(request, "Recursive")), decrypt(request), offset, maxResults == null ? MAX_PATH_RESULTS : maxResults);
        ObjectNode response = JsonFields.object();
        ArrayNode list = response.putArray("Parameters");
        page.items().forEach(read -> list.add(parameterJson(context, read)));
        putIfNotNull(response, "NextToken", page.nextToken());
        return response;
    }

    private JsonNode deleteParameter(RequestContext context, JsonNode request)
    {
        parameters.delete(context.account().accountId(), optionalString(request, "Name"));
        return JsonFields.object();
    }

    private static boolean decrypt(JsonNode request)
    {
        return Boolean.TRUE.equals(optionalBoolean(request, "WithDecryption"));
    }

    private static ObjectNode parameterJson(RequestContext context, ParameterService.ReadParameter read)
    {
        Parameter parameter = read.parameter();
        ObjectNode node = JsonFields.object();
        node.put("Name", parameter.name());
        node.put("Type", parameter.type().name());
        node.put("Value", read.value());
        node.put("Version", parameter.version());
        putTime(node, "LastModifiedDate", parameter.lastModifiedAt());
        node.put("ARN", arn(context, parameter));
        node.put("DataType", "text");
        return node;
    }

    /** arn:aws:ssm:REGION:ACCOUNT:parameter/NAME; a name's leading slash is kept once (parameter/a/b for /a/b). */
    static String arn(RequestContext context, Parameter parameter)
    {
        String name = parameter.name().startsWith("/") ? parameter.name().substring(1) : parameter.name();
        return "arn:aws:ssm:" + context.region() + ":" + parameter.accountId() + ":parameter/" + name;
    }

    private static void refuse(JsonNode request, String field, String message)
    {
        JsonNode value = request.get(field);
        if (value != null && !value.isNull() && !(value.isArray() && value.isEmpty())) {
            throw new EcsException(VALIDATION, message);
        }
    }
}
