namespace Podnet.Kernel.Stack;

/// <summary>Errors of configuration calls, as netlink reports them (the tool prints <c>RTNETLINK answers: ...</c>).</summary>
public enum NetlinkError
{
    None,
    /// <summary>EEXIST: "File exists".</summary>
    Exists,
    /// <summary>ESRCH: "No such process" (deleting a route that is not there).</summary>
    NoSuchProcess,
    /// <summary>ENODEV: "No such device".</summary>
    NoSuchDevice,
    /// <summary>EINVAL: "Invalid argument".</summary>
    InvalidArgument,
    /// <summary>ENETUNREACH: "Network is unreachable" (a gateway not reachable on link).</summary>
    NetworkUnreachable,
    /// <summary>EADDRNOTAVAIL: "Cannot assign requested address".</summary>
    AddressNotAvailable,
    /// <summary>EBUSY: "Device or resource busy".</summary>
    Busy,
}
