#!/usr/bin/env bash
# Packaging check: builds the NuGet packages, installs the `rankwise` tool from them into a temporary tool path
# (only the freshly built packages as source, no network needed), and runs the installed tool from a directory
# outside the repository: `rankwise --version` and `rankwise demo --quick`.
# Also checks that the packed libLibTorchSharp.so has GLIBCXX_3.4.32 marked WEAK (the Debian 12 fix) and that the
# library packages carry their README and XML documentation.
#
#   build/check-pack.sh            # packs into ./artifacts (as the README does)
#   build/check-pack.sh OUTDIR     # packs into OUTDIR
#
# About 2 minutes on 2 cores from a clean clone (most of it compressing libtorch). Not part of `dotnet test`.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "${1:-$repo/artifacts}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "check-pack: FAILED: $*" >&2; exit 1; }

version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/Directory.Build.props" | head -1)"
[ -n "$version" ] || fail "no <Version> in Directory.Build.props"

echo "== dotnet pack -c Release -o $out"
rm -f "$out"/rankwise.*"$version".nupkg "$out"/Rankwise.*"$version".nupkg
(cd "$repo" && dotnet pack -c Release -o "$out" -m:1 -nologo -v:q) || fail "dotnet pack"
for p in rankwise rankwise.linux-x64 Rankwise.Core Rankwise.Torch; do
  [ -f "$out/$p.$version.nupkg" ] || fail "missing $out/$p.$version.nupkg"
done
ls -l "$out"/*."$version".nupkg

echo "== package contents"
mkdir -p "$work/x"
unzip -q -o "$out/rankwise.linux-x64.$version.nupkg" -d "$work/x/tool"
so="$work/x/tool/tools/net10.0/linux-x64/libLibTorchSharp.so"
[ -f "$so" ] || fail "no libLibTorchSharp.so in rankwise.linux-x64"
if command -v readelf >/dev/null 2>&1; then
  readelf -V "$so" | grep -E 'Name: GLIBCXX_3\.4\.32 +Flags: WEAK' || fail "GLIBCXX_3.4.32 is not WEAK in the packed libLibTorchSharp.so"
else
  echo "(readelf not found: weak-flag check skipped)"
fi
[ -f "$work/x/tool/tools/net10.0/linux-x64/licenses/libtorch-cpu-linux-x64/LICENSE-LIBTORCH.txt" ] || fail "libtorch licence missing from the tool package"
for p in Rankwise.Core:Rankwise Rankwise.Torch:Rankwise.Torch; do
  id="${p%%:*}" asm="${p##*:}"
  listing="$(unzip -l "$out/$id.$version.nupkg")"
  grep -q " README.md$" <<<"$listing" || fail "$id has no README.md"
  grep -q "lib/net10.0/$asm.xml$" <<<"$listing" || fail "$id has no XML documentation"
done
echo "ok: weak GLIBCXX_3.4.32, licences, READMEs, XML docs"

echo "== dotnet tool install --tool-path $work/tools --source $out rankwise"
dotnet tool install --tool-path "$work/tools" --source "$out" --version "$version" rankwise || fail "dotnet tool install"

mkdir -p "$work/run"
cd "$work/run"
echo "== rankwise --version (in $work/run)"
got="$("$work/tools/rankwise" --version)"
echo "$got"
[ "$got" = "$version" ] || fail "rankwise --version printed '$got', expected '$version'"

echo "== rankwise demo --quick --out $work/demo"
"$work/tools/rankwise" demo --quick --out "$work/demo" --quiet | tail -n 3 || fail "rankwise demo"
[ -s "$work/demo/report.html" ] && [ -s "$work/demo/report.json" ] || fail "the demo wrote no report"
echo "== Rankwise.Torch leaves the libtorch backend to the application and carries the Debian 12 fix"
nuspec="$(unzip -p "$out/Rankwise.Torch.$version.nupkg" Rankwise.Torch.nuspec)"
grep -q 'id="TorchSharp" version="0.107.0"' <<<"$nuspec" || fail "Rankwise.Torch does not depend on TorchSharp 0.107.0"
if grep -q 'id="TorchSharp-cpu"' <<<"$nuspec"; then fail "Rankwise.Torch still depends on TorchSharp-cpu"; fi
unzip -l "$out/Rankwise.Torch.$version.nupkg" | grep -q " buildTransitive/Rankwise.Torch.targets$" || fail "Rankwise.Torch has no buildTransitive targets"

echo "== a consumer project outside the repository: Rankwise.Torch + TorchSharp-cpu from packages, linear CKA"
# Its own packages folder, so a stale cached Rankwise.Torch of the same version is never used; the machine's global
# packages folder serves as a local feed for TorchSharp-cpu and libtorch.
mkdir -p "$work/consumer"
cat > "$work/consumer/consumer.csproj" <<CSPROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <RestorePackagesPath>$work/packages</RestorePackagesPath>
    <RestoreSources>$out;$HOME/.nuget/packages</RestoreSources>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Rankwise.Torch" Version="$version" />
    <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
  </ItemGroup>
</Project>
CSPROJ
cat > "$work/consumer/Program.cs" <<'CS'
using static TorchSharp.torch;
var g = new Generator(1);
var x = randn(200, 10, dtype: ScalarType.Float64, generator: g);
var y = x.matmul(randn(10, 10, dtype: ScalarType.Float64, generator: g)) + randn(200, 10, dtype: ScalarType.Float64, generator: g);
System.Console.WriteLine(Rankwise.Torch.Similarity.functional.linear_cka(x, y).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
CS
cka="$(cd "$work/consumer" && dotnet run -c Release 2>&1 | tail -n 1)" || fail "consumer build/run: $cka"
echo "consumer: linear CKA = $cka"
[[ "$cka" =~ ^0\.[0-9]+$ ]] || fail "consumer printed '$cka'"

echo "check-pack: OK ($(du -sh "$work/tools" | cut -f1) installed)"
