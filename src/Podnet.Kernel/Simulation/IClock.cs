namespace Podnet.Kernel.Simulation;

/// <summary>Virtual time of a simulation (DESIGN.md §4). Never the wall clock.</summary>
public interface IClock
{
    TimeSpan Now { get; }
}
