; Inno Setup script for the Windows installer; run after installer/build.sh (or build.ps1)
; has produced dist\sc-desk with PyInstaller on Windows.
[Setup]
AppName=Situation Center
AppVersion=0.1.0
AppPublisher=Smart Kurchatov
DefaultDirName={autopf}\SituationCenter
DefaultGroupName=Situation Center
OutputBaseFilename=situation-center-setup
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64

[Languages]
Name: "ru"; MessagesFile: "compiler:Languages\Russian.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "..\dist\sc-desk\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\Situation Center"; Filename: "{app}\sc-desk.exe"
Name: "{commondesktop}\Situation Center"; Filename: "{app}\sc-desk.exe"
