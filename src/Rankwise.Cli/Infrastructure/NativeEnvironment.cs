using System.Runtime.InteropServices;

namespace Rankwise.Cli.Infrastructure;

/// <summary>
/// Process-environment defaults for the native libraries, set before libtorch loads. .NET's
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not reach the C runtime's environment on
/// Unix, which is where OpenMP reads its settings, so they are set with libc's <c>setenv</c> (never overwriting a value
/// the user chose).
/// </summary>
internal static partial class NativeEnvironment
{
    /// <summary>
    /// OMP_WAIT_POLICY=PASSIVE: libtorch's OpenMP workers sleep instead of spinning between parallel regions. The
    /// command's linear algebra alternates short sequential and parallel steps (QR panels, SVD), and spinning workers
    /// then take the CPU from the thread doing the sequential work — on 2 cores it halved the time of the CCA family.
    /// </summary>
    public static void ApplyDefaults()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return;
        try
        {
            if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null)
                _ = setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No C runtime to tell: the defaults of the native libraries apply.
        }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
