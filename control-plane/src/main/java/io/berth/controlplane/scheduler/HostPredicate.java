package io.berth.controlplane.scheduler;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** A parsed memberOf expression: true for hosts the task may go to. */
public sealed interface HostPredicate
{
    boolean test(String hostId, Map<String, String> attributes);

    /** attribute:NAME, or instanceId for the host id. */
    record Subject(String attribute)
    {
        public Subject
        {
            requireNonNull(attribute, "attribute is null");
        }

        static final Subject INSTANCE_ID = new Subject("\0instanceId");

        String valueOf(String hostId, Map<String, String> attributes)
        {
            return this.equals(INSTANCE_ID) ? hostId : attributes.get(attribute);
        }
    }

    record Equals(Subject subject, String value, boolean negated)
            implements HostPredicate
    {
        @Override
        public boolean test(String hostId, Map<String, String> attributes)
        {
            return value.equals(subject.valueOf(hostId, attributes)) != negated;
        }
    }

    record In(Subject subject, Set<String> values, boolean negated)
            implements HostPredicate
    {
        public In
        {
            values = Set.copyOf(values);
        }

        @Override
        public boolean test(String hostId, Map<String, String> attributes)
        {
            String actual = subject.valueOf(hostId, attributes);
            return (actual != null && values.contains(actual)) != negated;
        }
    }

    record Exists(Subject subject, boolean negated)
            implements HostPredicate
    {
        @Override
        public boolean test(String hostId, Map<String, String> attributes)
        {
            return (subject.valueOf(hostId, attributes) != null) != negated;
        }
    }

    record And(List<HostPredicate> operands)
            implements HostPredicate
    {
        public And
        {
            operands = List.copyOf(operands);
        }

        @Override
        public boolean test(String hostId, Map<String, String> attributes)
        {
            for (HostPredicate operand : operands) {
                if (!operand.test(hostId, attributes)) {
                    return false;
                }
            }
            return true;
        }
    }

    record Or(List<HostPredicate> operands)
            implements HostPredicate
    {
        public Or
        {
            operands = List.copyOf(operands);
        }

        @Override
        public boolean test(String hostId, Map<String, String> attributes)
        {
            for (HostPredicate operand : operands) {
                if (operand.test(hostId, attributes)) {
                    return true;
                }
            }
            return false;
        }
    }

    record Not(HostPredicate operand)
            implements HostPredicate
    {
        @Override
        public boolean test(String hostId, Map<String, String> attributes)
        {
            return !operand.test(hostId, attributes);
        }
    }
}
