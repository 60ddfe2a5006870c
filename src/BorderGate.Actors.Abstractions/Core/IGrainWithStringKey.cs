namespace BorderGate.Actors;

/// <summary>A grain addressed by a string key, such as <c>huu-nghi/lane-3</c>.</summary>
public interface IGrainWithStringKey : IGrain;
