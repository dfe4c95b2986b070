namespace Rankwise.IO;

/// <summary>File formats understood by <see cref="ArrayReader"/>.</summary>
public enum ArrayFormat
{
    /// <summary>Choose by file extension (and, for text files, by content); see <see cref="ArrayReader.DetectFormat"/>.</summary>
    Auto,

    /// <summary>numpy <c>.npy</c> (<see cref="NpyReader"/>).</summary>
    Npy,

    /// <summary>numpy <c>.npz</c> archive (<see cref="NpzReader"/>); the selector name picks a member.</summary>
    Npz,

    /// <summary>Hugging Face <c>.safetensors</c> (<see cref="SafetensorsReader"/>); the selector name picks a tensor.</summary>
    Safetensors,

    /// <summary>Delimited text with delimiter detection (<see cref="CsvReader"/>); the selector name picks a column.</summary>
    Csv,

    /// <summary>Tab-separated text (<see cref="CsvReader"/> with a tab delimiter); the selector name picks a column.</summary>
    Tsv,

    /// <summary>word2vec text format (<see cref="EmbeddingReader.ReadWord2VecText{T}"/>).</summary>
    Word2VecText,

    /// <summary>word2vec binary format (<see cref="EmbeddingReader.ReadWord2VecBinary{T}"/>).</summary>
    Word2VecBinary,

    /// <summary>GloVe text format (<see cref="EmbeddingReader.ReadGloVe{T}"/>).</summary>
    GloVe,
}
