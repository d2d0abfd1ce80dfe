package io.berth.controlplane.api.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.controlplane.accountsettings.AccountSetting;
import io.berth.controlplane.accountsettings.AccountSettingsService;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.RequestContext;
import io.berth.controlplane.resources.Page;
import io.berth.controlplane.resources.PageRequest;

import java.util.List;

import static io.berth.controlplane.api.actions.JsonFields.optionalBoolean;
import static io.berth.controlplane.api.actions.JsonFields.optionalInteger;
import static io.berth.controlplane.api.actions.JsonFields.optionalString;
import static java.util.Objects.requireNonNull;

/** PutAccountSetting, PutAccountSettingDefault, DeleteAccountSetting, ListAccountSettings. */
public final class AccountSettingActions
{
    private final AccountSettingsService settings;

    public AccountSettingActions(AccountSettingsService settings)
    {
        this.settings = requireNonNull(settings, "settings is null");
    }

    public List<EcsAction> actions()
    {
        return List.of(
                new SimpleEcsAction("PutAccountSetting", this::put),
                new SimpleEcsAction("PutAccountSettingDefault", this::putDefault),
                new SimpleEcsAction("DeleteAccountSetting", this::delete),
                new SimpleEcsAction("ListAccountSettings", this::list));
    }

    private JsonNode put(RequestContext context, JsonNode request)
    {
        return withSetting(settings.put(context.account().accountId(), optionalString(request, "principalArn"), optionalString(request, "name"),
                optionalString(request, "value")));
    }

    private JsonNode putDefault(RequestContext context, JsonNode request)
    {
        return withSetting(settings.putDefault(context.account().accountId(), optionalString(request, "name"), optionalString(request, "value")));
    }

    private JsonNode delete(RequestContext context, JsonNode request)
    {
        return withSetting(settings.delete(context.account().accountId(), optionalString(request, "principalArn"), optionalString(request, "name")));
    }

    private JsonNode list(RequestContext context, JsonNode request)
    {
        PageRequest pageRequest = PageRequest.of(optionalInteger(request, "maxResults"), optionalString(request, "nextToken"));
        Boolean effective = optionalBoolean(request, "effectiveSettings");
        List<AccountSetting> all = settings.list(context.account().accountId(), optionalString(request, "principalArn"), optionalString(request, "name"),
                optionalString(request, "value"), effective != null && effective);
        Page<AccountSetting> page = Page.of(all.subList(Math.min(pageRequest.offset(), all.size()), all.size()), pageRequest.offset(), pageRequest.maxResults());
        ObjectNode response = JsonFields.object();
        ArrayNode array = response.putArray("settings");
        page.items().forEach(setting -> array.add(toJson(setting)));
        JsonFields.putIfNotNull(response, "nextToken", page.nextToken());
        return response;
    }

    private static JsonNode withSetting(AccountSetting setting)
    {
        ObjectNode response = JsonFields.object();
        response.set("setting", toJson(setting));
        return response;
    }

    private static ObjectNode toJson(AccountSetting setting)
    {
        ObjectNode node = JsonFields.object();
        node.put("name", setting.name());
        node.put("value", setting.value());
        node.put("principalArn", setting.principalArn());
        node.put("type", setting.type());
        return node;
    }
}
