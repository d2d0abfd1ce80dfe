package io.berth.agent.network;

import io.berth.agent.userns.LinuxSyscalls;
import io.berth.common.network.Ipv4Cidr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalInt;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A routing netlink socket (NETLINK_ROUTE) of the network namespace of the thread that opened it, and the few requests
 * a task's veth needs, as `ip link add ... type veth peer ...`, `ip addr add` and `ip route add` send them: the CNI
 * bridge plugin did these in a process of its own (and host-local IPAM in a second) on every task start, about 20 ms
 * of exec'ing and Go start-up each on this project's VMs. A socket stays in the namespace it was made in wherever it
 * is used from. Calls block for the kernel's answer (it answers within the send); a receive deadline guards the rest.
 * Not thread-safe: one socket serves one caller.
 */
final class RouteNetlink
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(RouteNetlink.class);
    private static final int AF_NETLINK = 16;
    private static final int NETLINK_ROUTE = 0;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int EINTR = 4;
    private static final int ENODEV = 19;

    private static final short RTM_NEWLINK = 16;
    private static final short RTM_DELLINK = 17;
    private static final short RTM_GETLINK = 18;
    private static final short RTM_NEWADDR = 20;
    private static final short RTM_NEWROUTE = 24;
    private static final short NLMSG_ERROR = 2;
    private static final short NLMSG_DONE = 3;
    private static final short NLM_F_REQUEST = 0x1;
    private static final short NLM_F_ACK = 0x4;
    private static final short NLM_F_EXCL = 0x200;
    private static final short NLM_F_CREATE = 0x400;
    private static final short NLA_F_NESTED = (short) 0x8000;

    private static final int AF_UNSPEC = 0;
    private static final int AF_INET = 2;
    private static final int IFF_UP = 0x1;
    private static final short IFLA_ADDRESS = 1;
    private static final short IFLA_IFNAME = 3;
    private static final short IFLA_MTU = 4;
    private static final short IFLA_MASTER = 10;
    private static final short IFLA_LINKINFO = 18;
    private static final short IFLA_NET_NS_FD = 28;
    private static final short IFLA_INFO_KIND = 1;
    private static final short IFLA_INFO_DATA = 2;
    private static final short VETH_INFO_PEER = 1;
    private static final short IFA_ADDRESS = 1;
    private static final short IFA_LOCAL = 2;
    private static final short IFA_BROADCAST = 4;
    private static final short RTA_OIF = 4;
    private static final short RTA_GATEWAY = 5;
    private static final byte RT_TABLE_MAIN = (byte) 254;
    private static final byte RTPROT_BOOT = 3;
    private static final byte RT_SCOPE_UNIVERSE = 0;
    private static final byte RTN_UNICAST = 1;

    private static final int HEADER_BYTES = 16;
    private static final int IFINFOMSG_BYTES = 16;
    private static final int RECEIVE_BYTES = 32 * 1024;
    /** How long a receive waits for the kernel's answer: it comes within the send, so this only guards a surprise. */
    private static final long RECEIVE_DEADLINE_SECONDS = 10;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final MethodHandle SOCKET = function("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = function("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDTO = function("sendto", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    /** struct sockaddr_nl: family, padding, port id (0: the kernel), groups. */
    private static final int SOCKADDR_NL_BYTES = 12;
    private static final MethodHandle RECV = function("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    private final int fd;
    private final String namespace;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment callState = arena.allocate(CALL_STATE);
    private final MemorySegment receiveBuffer = arena.allocate(RECEIVE_BYTES);
    private final MemorySegment kernel = arena.allocate(SOCKADDR_NL_BYTES);
    private int sequence;

    private RouteNetlink(int fd, String namespace)
    {
        this.fd = fd;
        this.namespace = namespace;
        kernel.set(JAVA_SHORT, 0, (short) AF_NETLINK);
    }

    /**
     * A socket in the calling thread's network namespace, which namespace names in messages; the thread that opens it
     * is the one that uses and closes it (its memory is confined to it).
     */
    static RouteNetlink open(String namespace)
            throws IOException
    {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CALL_STATE);
            int fd = (int) SOCKET.invokeExact(state, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
            if (fd < 0) {
                throw new IOException("socket(AF_NETLINK) in " + namespace + " failed: " + LinuxSyscalls.describe((int) ERRNO.get(state, 0L)));
            }
            // struct timeval: seconds and microseconds, a long each
            MemorySegment timeout = call.allocate(16);
            timeout.set(JAVA_LONG, 0, RECEIVE_DEADLINE_SECONDS);
            if ((int) SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, SO_RCVTIMEO, timeout, (int) timeout.byteSize()) != 0) {
                int errno = (int) ERRNO.get(state, 0L);
                new RouteNetlink(fd, namespace).close();
                throw new IOException("setsockopt(SO_RCVTIMEO) on a netlink socket in " + namespace + " failed: " + LinuxSyscalls.describe(errno));
            }
            return new RouteNetlink(fd, namespace);
        }
        catch (IOException | RuntimeException | Error e) {
            throw e;
        }
        catch (Throwable e) {
            throw new IllegalStateException("unexpected failure of a native call", e);
        }
    }

    /** The index of the link named name in this socket's namespace; empty when there is none. */
    OptionalInt linkIndex(String name)
            throws IOException
    {
        Request request = new Request(RTM_GETLINK, NLM_F_REQUEST);
        request.interfaceInfo(AF_UNSPEC, 0, 0, 0);
        request.string(IFLA_IFNAME, name);
        ByteBuffer answer = exchange(request, "read the link " + name, true);
        // the answer's struct ifinfomsg: family, padding, type, then the index
        return answer == null ? OptionalInt.empty() : OptionalInt.of(answer.getInt(HEADER_BYTES + 4));
    }

    /**
     * Makes a veth pair: name here, up, with mtu (0: the kernel's), a port of the bridge at masterIndex; its peer
     * peerName, down ({@link #setUp}), with mtu and peerMac, made straight in the namespace open at peerNamespaceFd
     * (never in this one, so no other task can catch it on the way).
     */
    void addVeth(String name, int mtu, int masterIndex, String peerName, byte[] peerMac, int peerNamespaceFd)
            throws IOException
    {
        Request request = new Request(RTM_NEWLINK, (short) (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL));
        request.interfaceInfo(AF_UNSPEC, 0, IFF_UP, IFF_UP);
        request.string(IFLA_IFNAME, name);
        if (mtu > 0) {
            request.integer(IFLA_MTU, mtu);
        }
        request.integer(IFLA_MASTER, masterIndex);
        int linkInfo = request.begin(IFLA_LINKINFO);
        request.string(IFLA_INFO_KIND, "veth");
        int data = request.begin(IFLA_INFO_DATA);
        int peer = request.begin(VETH_INFO_PEER);
        // the peer cannot come up in this request: the kernel opens it before it is paired (ENOTCONN)
        request.interfaceInfo(AF_UNSPEC, 0, 0, 0);
        request.string(IFLA_IFNAME, peerName);
        if (mtu > 0) {
            request.integer(IFLA_MTU, mtu);
        }
        request.bytes(IFLA_ADDRESS, peerMac);
        request.integer(IFLA_NET_NS_FD, peerNamespaceFd);
        request.end(peer);
        request.end(data);
        request.end(linkInfo);
        exchange(request, "make the veth pair " + name + " / " + peerName, false);
    }

    /** Brings the link at index up. */
    void setUp(int index)
            throws IOException
    {
        Request request = new Request(RTM_NEWLINK, (short) (NLM_F_REQUEST | NLM_F_ACK));
        request.interfaceInfo(AF_UNSPEC, index, IFF_UP, IFF_UP);
        exchange(request, "bring link " + index + " up", false);
    }

    /** Gives the link at index the IPv4 address with its prefix and the network's broadcast address. */
    void addAddress(int index, long address, int prefix, long broadcast)
            throws IOException
    {
        Request request = new Request(RTM_NEWADDR, (short) (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL));
        request.addressInfo(prefix, index);
        request.ipv4(IFA_LOCAL, address);
        request.ipv4(IFA_ADDRESS, address);
        request.ipv4(IFA_BROADCAST, broadcast);
        exchange(request, "give link " + index + " the address " + Ipv4Cidr.formatAddress(address) + "/" + prefix, false);
    }

    /** Routes everything not on a link through gateway, out of the link at index. */
    void addDefaultRoute(int index, long gateway)
            throws IOException
    {
        Request request = new Request(RTM_NEWROUTE, (short) (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL));
        request.routeInfo();
        request.ipv4(RTA_GATEWAY, gateway);
        request.integer(RTA_OIF, index);
        exchange(request, "route through " + Ipv4Cidr.formatAddress(gateway), false);
    }

    /** Deletes the link named name, if there is one (a veth takes its peer with it). */
    void deleteLinkIfPresent(String name)
            throws IOException
    {
        Request request = new Request(RTM_DELLINK, (short) (NLM_F_REQUEST | NLM_F_ACK));
        request.interfaceInfo(AF_UNSPEC, 0, 0, 0);
        request.string(IFLA_IFNAME, name);
        exchange(request, "delete the link " + name, true);
    }

    @Override
    public void close()
    {
        try {
            LinuxSyscalls.close(fd);
        }
        catch (IOException e) {
            // a socket's descriptor: nothing outlives the close but the number, which the kernel takes back anyway
            log.warn("closing a netlink socket of {}: {}", namespace, e.getMessage());
        }
        finally {
            arena.close();
        }
    }

    /**
     * Sends request and reads until its answer: the acknowledgement (null is returned) or, for a read, the message
     * that answers it. With absentIsEmpty, "no such device" answers null instead of failing.
     */
    private ByteBuffer exchange(Request request, String what, boolean absentIsEmpty)
            throws IOException
    {
        int seq = ++sequence;
        ByteBuffer message = request.finish(seq);
        try {
            MemorySegment out = arena.allocate(message.limit());
            MemorySegment.copy(message.array(), 0, out, JAVA_BYTE, 0, message.limit());
            long sent;
            do {
                sent = (long) SENDTO.invokeExact(callState, fd, out, (long) message.limit(), 0, kernel, SOCKADDR_NL_BYTES);
            }
            while (sent < 0 && (int) ERRNO.get(callState, 0L) == EINTR);
            if (sent < 0) {
                throw new IOException("could not " + what + " in " + namespace + ": send to netlink failed: " + LinuxSyscalls.describe((int) ERRNO.get(callState, 0L)));
            }
            while (true) {
                long received = (long) RECV.invokeExact(callState, fd, receiveBuffer, (long) RECEIVE_BYTES, 0);
                if (received < 0) {
                    int errno = (int) ERRNO.get(callState, 0L);
                    if (errno == EINTR) {
                        continue;
                    }
                    throw new IOException("could not " + what + " in " + namespace + ": no answer from netlink: " + LinuxSyscalls.describe(errno));
                }
                ByteBuffer answers = ByteBuffer.wrap(receiveBuffer.asSlice(0, received).toArray(JAVA_BYTE)).order(ByteOrder.nativeOrder());
                int offset = 0;
                while (offset + HEADER_BYTES <= answers.limit()) {
                    int length = answers.getInt(offset);
                    short type = answers.getShort(offset + 4);
                    int answerSequence = answers.getInt(offset + 8);
                    if (length < HEADER_BYTES || offset + length > answers.limit()) {
                        throw new IOException("could not " + what + " in " + namespace + ": netlink answered a malformed message");
                    }
                    if (answerSequence == seq) {
                        if (type == NLMSG_ERROR) {
                            int error = -answers.getInt(offset + HEADER_BYTES);
                            if (error == 0) {
                                return null;
                            }
                            if (error == ENODEV && absentIsEmpty) {
                                return null;
                            }
                            throw new IOException("could not " + what + " in " + namespace + ": " + LinuxSyscalls.describe(error));
                        }
                        if (type != NLMSG_DONE) {
                            return answers.slice(offset, length).order(ByteOrder.nativeOrder());
                        }
                    }
                    offset += align(length);
                }
            }
        }
        catch (IOException | RuntimeException | Error e) {
            throw e;
        }
        catch (Throwable e) {
            throw new IllegalStateException("unexpected failure of a native call", e);
        }
    }

    private static int align(int length)
    {
        return (length + 3) & ~3;
    }

    private static MethodHandle function(String name, FunctionDescriptor descriptor)
    {
        MemorySegment symbol = LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsupportedOperationException("the C library has no " + name + "()"));
        return LINKER.downcallHandle(symbol, descriptor, CAPTURE_ERRNO);
    }

    /** A request's bytes: the header (its length and sequence filled in last), a fixed part, then attributes, some nested. */
    private static final class Request
    {
        private ByteBuffer buffer = ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());

        Request(short type, short flags)
        {
            buffer.putInt(0);
            buffer.putShort(type);
            buffer.putShort(flags);
            buffer.putInt(0);
            buffer.putInt(0);
        }

        /** struct ifinfomsg. */
        void interfaceInfo(int family, int index, int flags, int change)
        {
            room(IFINFOMSG_BYTES);
            buffer.put((byte) family);
            buffer.put((byte) 0);
            buffer.putShort((short) 0);
            buffer.putInt(index);
            buffer.putInt(flags);
            buffer.putInt(change);
        }

        /** struct ifaddrmsg for an IPv4 address of universe scope. */
        void addressInfo(int prefix, int index)
        {
            room(8);
            buffer.put((byte) AF_INET);
            buffer.put((byte) prefix);
            buffer.put((byte) 0);
            buffer.put(RT_SCOPE_UNIVERSE);
            buffer.putInt(index);
        }

        /** struct rtmsg for an IPv4 unicast route of the main table with no destination: the default route. */
        void routeInfo()
        {
            room(12);
            buffer.put((byte) AF_INET);
            buffer.put((byte) 0);
            buffer.put((byte) 0);
            buffer.put((byte) 0);
            buffer.put(RT_TABLE_MAIN);
            buffer.put(RTPROT_BOOT);
            buffer.put(RT_SCOPE_UNIVERSE);
            buffer.put(RTN_UNICAST);
            buffer.putInt(0);
        }

        void string(short type, String value)
        {
            byte[] text = value.getBytes(StandardCharsets.US_ASCII);
            bytes(type, Arrays.copyOf(text, text.length + 1));
        }

        void integer(short type, int value)
        {
            bytes(type, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
        }

        /** An IPv4 address, in network order as the kernel keeps it. */
        void ipv4(short type, long address)
        {
            bytes(type, ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt((int) address).array());
        }

        void bytes(short type, byte[] value)
        {
            int length = 4 + value.length;
            room(align(length));
            buffer.putShort((short) length);
            buffer.putShort(type);
            buffer.put(value);
            pad();
        }

        /** Starts a nested attribute; its length is filled in by {@link #end}. */
        int begin(short type)
        {
            room(4);
            int start = buffer.position();
            buffer.putShort((short) 0);
            buffer.putShort((short) (type | NLA_F_NESTED));
            return start;
        }

        void end(int start)
        {
            buffer.putShort(start, (short) (buffer.position() - start));
        }

        ByteBuffer finish(int sequence)
        {
            buffer.putInt(0, buffer.position());
            buffer.putInt(8, sequence);
            buffer.flip();
            return buffer;
        }

        private void pad()
        {
            while (buffer.position() % 4 != 0) {
                buffer.put((byte) 0);
            }
        }

        private void room(int bytes)
        {
            if (buffer.remaining() < bytes) {
                buffer = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + bytes)).order(ByteOrder.nativeOrder()).put(buffer.flip());
            }
        }
    }
}
