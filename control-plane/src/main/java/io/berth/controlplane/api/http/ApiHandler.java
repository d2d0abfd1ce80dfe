package io.berth.controlplane.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.berth.common.json.Json;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.EcsErrors;
import io.berth.controlplane.api.EcsException;
import io.berth.controlplane.api.JsonService;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.api.query.QueryArguments;
import io.berth.controlplane.api.query.QueryService;
import io.berth.controlplane.api.query.XmlElement;
import io.berth.controlplane.resources.DomainException;
import io.berth.controlplane.store.StoreBusyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Decodes one request, authenticates it, dispatches it and writes the response or the error shape. {@code POST /}
 * goes to the service the request was signed for: a JSON 1.1 service (ECS, ECR) by X-Amz-Target, or a query
 * protocol service (ELBv2, STS) by the form body's Action, answered and refused in XML. Paths under /berth/ go to
 * the admin endpoints, which are signed as ECS calls.
 */
final class ApiHandler
        implements HttpHandler
{
    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

    static final String ECS_CONTENT_TYPE = "application/x-amz-json-1.1";
    static final String ADMIN_CONTENT_TYPE = "application/json";
    static final String REQUEST_ID_HEADER = "x-amzn-RequestId";
    static final String FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";
    static final String XML_CONTENT_TYPE = "text/xml";

    private final ObjectMapper mapper = Json.mapper();
    private final RequestAuthenticator authenticator;
    private final Map<String, JsonService> services;
    private final Map<String, QueryService> queryServices;
    private final List<AdminRoute> adminRoutes;
    private final int maxBodyBytes;
    private volatile RequestThrottle throttle;
    private volatile ApiRequestObserver observer = ApiRequestObserver.NONE;

    ApiHandler(RequestAuthenticator authenticator, List<JsonService> services, List<AdminEndpoint> adminEndpoints, int maxBodyBytes)
    {
        this(authenticator, services, List.of(), adminEndpoints, maxBodyBytes);
    }

    ApiHandler(RequestAuthenticator authenticator, List<JsonService> services, List<QueryService> queryServices, List<AdminEndpoint> adminEndpoints, int maxBodyBytes)
    {
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.services = services.stream().collect(Collectors.toUnmodifiableMap(JsonService::signingName, Function.identity()));
        this.queryServices = queryServices.stream().collect(Collectors.toUnmodifiableMap(QueryService::signingName, Function.identity()));
        this.adminRoutes = adminEndpoints.stream().map(AdminRoute::of).toList();
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes must be positive");
        }
        this.maxBodyBytes = maxBodyBytes;
    }

    void throttle(RequestThrottle value)
    {
        this.throttle = requireNonNull(value, "throttle is null");
    }

    void observe(ApiRequestObserver value)
    {
        this.observer = requireNonNull(value, "observer is null");
    }

    /** What the observer is told of a request: filled in as the request is understood (see {@link ApiRequestObserver}). */
    private static final class Outcome
    {
        String service = "none";
        String action = "none";
        int code;
        String error = "";

        void failed(EcsException error)
        {
            this.code = error.httpStatus();
            this.error = error.type();
        }
    }

    @Override
    public void handle(HttpExchange exchange)
    {
        String requestId = UUID.randomUUID().toString();
        long startNanos = System.nanoTime();
        String operation = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath();
        String accountId = "-";
        boolean ecs = "/".equals(exchange.getRequestURI().getRawPath());
        // the query protocol's clients read errors as XML, so the form body decides the error shape before anything is verified
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        String queryNamespace = ecs && contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(FORM_CONTENT_TYPE) ? "" : null;
        Outcome outcome = new Outcome();
        try (exchange) {
            int status;
            try {
                IncomingRequest request = readRequest(exchange);
                if (queryNamespace != null) {
                    Map<String, String> form = QueryParameters.parse(formBody(request.body()));
                    operation = form.getOrDefault("Action", operation);
                    RequestAuthenticator.Authenticated caller = authenticator.authenticate(request);
                    accountId = caller.key().account().accountId();
                    QueryService service = queryService(caller);
                    queryNamespace = service.namespace();
                    outcome.service = service.signingName();
                    String formAction = form.get("Action");
                    outcome.action = formAction != null && service.actionsByName().containsKey(formAction) ? formAction : "unknown";
                    throttle(accountId);
                    XmlElement response = handleQuery(new RequestContext(caller.key().account(), caller.region(), requestId), service, form);
                    outcome.code = 200;
                    sendXml(exchange, requestId, 200, response.write(service.namespace()));
                    return;
                }
                if (ecs) {
                    // name the action in log lines even when authentication fails
                    operation = request.header("x-amz-target").map(target -> target.substring(target.lastIndexOf('.') + 1)).orElse(operation);
                }
                RequestAuthenticator.Authenticated caller = authenticator.authenticate(request);
                accountId = caller.key().account().accountId();
                throttle(accountId);
                RequestContext context = new RequestContext(caller.key().account(), caller.region(), requestId);
                JsonNode response;
                if (ecs) {
                    JsonService service = services.get(caller.service());
                    if (service == null) {
                        throw ApiErrors.unknownOperation(caller.service().toUpperCase(Locale.ROOT) + " is spoken with the query protocol: send "
                                + FORM_CONTENT_TYPE + " with Action and Version");
                    }
                    outcome.service = service.signingName();
                    outcome.action = "unknown";
                    String actionName = actionName(service, request);
                    if (service.actionsByName().containsKey(actionName)) {
                        outcome.action = actionName;
                    }
                    response = handleAction(context, service, actionName, request);
                }
                else {
                    if (!caller.service().equals(JsonService.ECS_SIGNING_NAME)) {
                        throw ApiErrors.invalidSignature("Credential should be scoped to correct service: 'ecs', not '" + caller.service() + "': Berth's endpoints are signed as ECS calls.");
                    }
                    outcome.service = "berth";
                    outcome.action = "unknown";
                    response = handleAdmin(context, request, outcome);
                }
                status = 200;
                outcome.code = status;
                send(exchange, requestId, status, ecs, response == null ? mapper.createObjectNode() : response);
            }
            catch (EcsException | DomainException | StoreBusyException e) {
                EcsException error = switch (e) {
                    // a domain refusal that no action mapped still reaches the caller as a 4xx, never a ServerException
                    case DomainException refusal -> EcsErrors.of(refusal);
                    // a burst the store could not serve in time: the caller retries, as after any throttling
                    case StoreBusyException busy -> ApiErrors.throttling();
                    default -> (EcsException) e;
                };
                status = error.httpStatus();
                outcome.failed(error);
                log.warn("{} account={} failed: {} {}: {} requestId={}", operation, accountId, status, error.type(), error.getMessage(), requestId);
                sendError(exchange, requestId, ecs, queryNamespace, error);
                return;
            }
            catch (RuntimeException e) {
                EcsException error = ApiErrors.server(requestId);
                outcome.failed(error);
                log.warn("{} account={} failed unexpectedly, requestId={}", operation, accountId, requestId, e);
                sendError(exchange, requestId, ecs, queryNamespace, error);
                return;
            }
            if (log.isDebugEnabled()) {
                log.debug("{} account={} {} in {} ms requestId={}", operation, accountId, status, (System.nanoTime() - startNanos) / 1_000_000, requestId);
            }
        }
        catch (IOException e) {
            // the client went away mid-response; nothing left to tell it
            log.debug("{} requestId={}: could not write the response: {}", operation, requestId, e.toString());
        }
        finally {
            if (outcome.code != 0) {
                observer.completed(outcome.service, outcome.action, outcome.code, outcome.error, java.time.Duration.ofNanos(System.nanoTime() - startNanos));
            }
        }
    }

    private void throttle(String accountId)
    {
        RequestThrottle currentThrottle = throttle;
        if (currentThrottle != null && !currentThrottle.tryAcquire(accountId)) {
            throw ApiErrors.throttling();
        }
    }

    /** A form body as a query string: in forms a raw '+' is a space. */
    private static String formBody(byte[] body)
    {
        return new String(body, java.nio.charset.StandardCharsets.UTF_8).strip().replace("+", "%20");
    }

    private QueryService queryService(RequestAuthenticator.Authenticated caller)
    {
        QueryService service = queryServices.get(caller.service());
        if (service == null) {
            throw ApiErrors.unknownOperation(caller.service().toUpperCase(Locale.ROOT) + " is not spoken with the query protocol: send "
                    + ECS_CONTENT_TYPE + " with X-Amz-Target");
        }
        return service;
    }

    private static XmlElement handleQuery(RequestContext context, QueryService service, Map<String, String> form)
    {
        String serviceName = service.signingName().toUpperCase(Locale.ROOT);
        String actionName = form.get("Action");
        if (actionName == null || actionName.isEmpty()) {
            throw new EcsException("MissingAction", "The request names no Action: " + serviceName + " takes Action=<name>&Version=" + service.version());
        }
        var action = service.actionsByName().get(actionName);
        if (action == null) {
            throw new EcsException("InvalidAction", "Berth does not support the " + serviceName + " action " + actionName);
        }
        String version = form.get("Version");
        if (!service.version().equals(version)) {
            throw new EcsException("InvalidParameterValue", "Version must be " + service.version() + " for " + serviceName + ", not " + version);
        }
        Map<String, String> parameters = new java.util.LinkedHashMap<>(form);
        parameters.remove("Action");
        parameters.remove("Version");
        return action.handle(context, new QueryArguments("", parameters));
    }

    private void sendError(HttpExchange exchange, String requestId, boolean ecs, String queryNamespace, EcsException error)
            throws IOException
    {
        if (queryNamespace == null) {
            send(exchange, requestId, error.httpStatus(), ecs, errorBody(error));
            return;
        }
        XmlElement body = XmlElement.of("ErrorResponse")
                .add(XmlElement.of("Error")
                        .add("Type", error.httpStatus() >= 500 ? "Receiver" : "Sender")
                        .add("Code", error.type())
                        .add("Message", error.getMessage()))
                .add("RequestId", requestId);
        sendXml(exchange, requestId, error.httpStatus(), body.write(queryNamespace.isEmpty() ? null : queryNamespace));
    }

    private static void sendXml(HttpExchange exchange, String requestId, int status, String document)
            throws IOException
    {
        byte[] bytes = document.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", XML_CONTENT_TYPE);
        exchange.getResponseHeaders().set(REQUEST_ID_HEADER, requestId);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream output = exchange.getResponseBody()) {
            output.write(bytes);
        }
    }

    private IncomingRequest readRequest(HttpExchange exchange)
            throws IOException
    {
        String contentLength = exchange.getRequestHeaders().getFirst("Content-Length");
        if (contentLength != null) {
            try {
                if (Long.parseLong(contentLength.strip()) > maxBodyBytes) {
                    throw ApiErrors.requestTooLarge(maxBodyBytes);
                }
            }
            catch (NumberFormatException e) {
                throw ApiErrors.serialization("Content-Length is not a number: " + contentLength);
            }
        }
        byte[] body;
        try (InputStream input = exchange.getRequestBody()) {
            body = input.readNBytes(maxBodyBytes + 1);
        }
        if (body.length > maxBodyBytes) {
            throw ApiErrors.requestTooLarge(maxBodyBytes);
        }
        Map<String, List<String>> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), ignored -> new ArrayList<>()).addAll(values));
        return new IncomingRequest(
                exchange.getRequestMethod().toUpperCase(Locale.ROOT),
                exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(),
                headers,
                body);
    }

    private static String actionName(JsonService service, IncomingRequest request)
    {
        String serviceName = service.signingName().toUpperCase(Locale.ROOT);
        if (!request.method().equals("POST")) {
            throw ApiErrors.methodNotAllowed(serviceName + " actions are called with POST /, not " + request.method() + " /");
        }
        String prefix = service.targetPrefix();
        String target = request.header("x-amz-target")
                .orElseThrow(() -> ApiErrors.unknownOperation("Missing X-Amz-Target header: it names the action, e.g. " + prefix + "<Action>"));
        if (!target.startsWith(prefix) || target.length() == prefix.length()) {
            throw ApiErrors.unknownOperation("X-Amz-Target '" + target + "' is not an " + serviceName + " action; expected " + prefix + "<Action>");
        }
        return target.substring(prefix.length());
    }

    private JsonNode handleAction(RequestContext context, JsonService service, String actionName, IncomingRequest request)
    {
        EcsAction action = service.actionsByName().get(actionName);
        if (action == null) {
            throw ApiErrors.unknownOperation("Berth does not support the " + service.signingName().toUpperCase(Locale.ROOT) + " action " + actionName);
        }
        JsonNode body = parseBody(request.body());
        if (!body.isObject()) {
            throw ApiErrors.serialization("Request body must be a JSON object, not " + describe(body));
        }
        return action.handle(context, body);
    }

    private JsonNode handleAdmin(RequestContext context, IncomingRequest request, Outcome outcome)
    {
        boolean pathMatched = false;
        for (AdminRoute route : adminRoutes) {
            Optional<Map<String, String>> pathParameters = route.match(request.rawPath());
            if (pathParameters.isEmpty()) {
                continue;
            }
            pathMatched = true;
            if (route.endpoint().method().equalsIgnoreCase(request.method())) {
                outcome.action = route.endpoint().method() + " " + route.endpoint().pathPattern();
                return route.endpoint().handle(context, pathParameters.get(), QueryParameters.parse(request.rawQuery()), parseBody(request.body()));
            }
        }
        if (pathMatched) {
            throw ApiErrors.methodNotAllowed("Method " + request.method() + " is not allowed on " + request.rawPath());
        }
        throw ApiErrors.notFound("No Berth endpoint at " + request.method() + " " + request.rawPath());
    }

    private JsonNode parseBody(byte[] body)
    {
        if (isBlank(body)) {
            return mapper.createObjectNode();
        }
        try {
            JsonNode node = mapper.readTree(body);
            return node == null || node.isMissingNode() ? mapper.createObjectNode() : node;
        }
        catch (JsonProcessingException e) {
            throw ApiErrors.serialization("Request body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        }
        catch (IOException e) {
            throw ApiErrors.serialization("Request body could not be read as JSON: " + e.getMessage());
        }
    }

    private static boolean isBlank(byte[] body)
    {
        for (byte b : body) {
            if (!Character.isWhitespace(b)) {
                return false;
            }
        }
        return true;
    }

    private static String describe(JsonNode node)
    {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private ObjectNode errorBody(EcsException exception)
    {
        ObjectNode error = mapper.createObjectNode();
        error.put("__type", exception.type());
        error.put("message", exception.getMessage());
        if (!exception.resourceIds().isEmpty()) {
            exception.resourceIds().forEach(error.putArray("resourceIds")::add);
        }
        return error;
    }

    private void send(HttpExchange exchange, String requestId, int status, boolean ecs, JsonNode body)
            throws IOException
    {
        byte[] bytes = mapper.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", ecs ? ECS_CONTENT_TYPE : ADMIN_CONTENT_TYPE);
        exchange.getResponseHeaders().set(REQUEST_ID_HEADER, requestId);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream output = exchange.getResponseBody()) {
            output.write(bytes);
        }
    }
}
