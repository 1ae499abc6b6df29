; Inno Setup script of the Windows installer (the NSIS script sc-desk.nsi makes the same
; installer and also compiles on Linux; use either). Run after installer\build.ps1 has built
; dist\sc-desk with PyInstaller on Windows: iscc installer\sc-desk.iss
#define AppVersion "0.1.0"
[Setup]
AppId={{6C7B1E64-3E0B-4C55-9C43-5C2A3B1D8E21}
AppName=Situation Center
AppVersion={#AppVersion}
AppPublisher=Smart Kurchatov
DefaultDirName={autopf}\SituationCenter
DefaultGroupName=Situation Center
OutputDir=..\dist
OutputBaseFilename=situation-center-desk-{#AppVersion}-setup
SetupIconFile=..\resources\icons\situation-center.ico
UninstallDisplayIcon={app}\sc-desk.exe
Compression=lzma2
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0

[Languages]
Name: "ru"; MessagesFile: "compiler:Languages\Russian.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[InstallDelete]
; A bundle's DLL set changes between versions: the old one goes first.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\dist\sc-desk\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\Situation Center"; Filename: "{app}\sc-desk.exe"
Name: "{commondesktop}\Situation Center"; Filename: "{app}\sc-desk.exe"

[Run]
Filename: "{app}\sc-desk.exe"; Description: "{cm:LaunchProgram,Situation Center}"; Flags: nowait postinstall skipifsilent
