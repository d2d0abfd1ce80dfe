package io.berth.controlplane.secrets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretReferenceTest
{
    private static final String ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf";

    @Test
    void secretsManagerArnAlone()
    {
        assertThat(SecretReference.parse(ARN)).contains(new SecretReference.SecretsManagerSecret(ARN, "111122223333", ARN, null, null, null));
    }

    @Test
    void secretsManagerArnWithJsonKeyStageAndVersion()
    {
        assertThat(SecretReference.parse(ARN + ":password::")).contains(new SecretReference.SecretsManagerSecret(ARN + ":password::", "111122223333", ARN, "password", null, null));
        assertThat(SecretReference.parse(ARN + "::AWSPREVIOUS:")).contains(new SecretReference.SecretsManagerSecret(ARN + "::AWSPREVIOUS:", "111122223333", ARN, null, "AWSPREVIOUS", null));
        assertThat(SecretReference.parse(ARN + ":user:AWSCURRENT:1234")).contains(new SecretReference.SecretsManagerSecret(ARN + ":user:AWSCURRENT:1234", "111122223333", ARN, "user", "AWSCURRENT", "1234"));
        assertThat(SecretReference.parse(ARN + ":a:b:c:d")).isEmpty();
    }

    @Test
    void ssmParameterArnKeepsAPathsLeadingSlashOnce()
    {
        assertThat(SecretReference.parse("arn:aws:ssm:us-east-2:111122223333:parameter/prod/db/password"))
                .contains(new SecretReference.SsmParameter("arn:aws:ssm:us-east-2:111122223333:parameter/prod/db/password", "111122223333", "/prod/db/password"));
        assertThat(SecretReference.parse("arn:aws:ssm:us-east-2:111122223333:parameter/plain"))
                .contains(new SecretReference.SsmParameter("arn:aws:ssm:us-east-2:111122223333:parameter/plain", "111122223333", "plain"));
    }

    @Test
    void bareNameIsAnSsmParameterOfTheTasksAccount()
    {
        assertThat(SecretReference.parse("/prod/token")).contains(new SecretReference.SsmParameter("/prod/token", null, "/prod/token"));
        assertThat(SecretReference.parse("token")).contains(new SecretReference.SsmParameter("token", null, "token"));
    }

    @Test
    void othersAreRefused()
    {
        assertThat(SecretReference.parse(null)).isEmpty();
        assertThat(SecretReference.parse("")).isEmpty();
        assertThat(SecretReference.parse("arn:aws:s3:::bucket/key")).isEmpty();
        assertThat(SecretReference.parse("arn:aws:secretsmanager:us-east-1:111122223333:key:x")).isEmpty();
        assertThat(SecretReference.parse("arn:aws:ssm:us-east-1:111122223333:document/x")).isEmpty();
        assertThat(SecretReference.parse("arn:aws:ssm:us-east-1::parameter/x")).isEmpty();
        assertThat(SecretReference.parse("name:with:colons")).isEmpty();
    }
}
