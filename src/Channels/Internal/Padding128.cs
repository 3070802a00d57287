using System.Runtime.InteropServices;

namespace Sluice.Channels.Internal;

/// <summary>128 bytes of nothing: separates hot fields so they do not share a cache line.</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct Padding128
{
}
