package io.berth.controlplane.accountsettings;

import static java.util.Objects.requireNonNull;

/** One ECS account setting as ECS shows it: its name, value, the principal it is for, and its type ("user" or "aws_managed"). */
public record AccountSetting(String name, String value, String principalArn, String type)
{
    public static final String USER = "user";
    public static final String AWS_MANAGED = "aws_managed";

    public AccountSetting
    {
        requireNonNull(name, "name is null");
        requireNonNull(value, "value is null");
        requireNonNull(principalArn, "principalArn is null");
        requireNonNull(type, "type is null");
    }
}
