package io.berth.controlplane.accounts;

/** No account has this id. */
public final class AccountNotFoundException
        extends RuntimeException
{
    public AccountNotFoundException(String accountId)
    {
        super("No account " + accountId + " exists; use the 12-digit account id that `berth account create` printed.");
    }
}
